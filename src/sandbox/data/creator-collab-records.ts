/**
 * The creator's side of the sellers' collaborations: the invitations a creator received from a shop
 * (creator target collaboration search 202405) and the marketplace as a creator sees it (creator
 * open collaboration product search 202405). Both are projections of the sellers' models, so a
 * seller's change shows on both sides.
 */
import { applyBps, formatMinor } from '../money.ts';
import { hash4, hashString } from '../prng.ts';
import { targetStatus } from './collab-records.ts';
import type { CreatorAccountModel, MarketplaceProductModel, TargetCollabModel } from './model.ts';
import { marketplaceRecord } from './partner-records.ts';
import type { World } from './world.ts';

export type CreatorTargetStatus = 'LIVE' | 'EXPIRED' | 'DELETED' | 'ENDED';

/**
 * Whether the creator allowed precise data sharing: every other creator (the first one does not),
 * so the smallest world already meets products without units_sold.
 */
export function creatorSharesData(creator: CreatorAccountModel): boolean {
  return creator.index % 2 === 1;
}

/** The marketplace record a creator sees: the seller's, without units_sold unless data is shared. */
export function creatorMarketplaceRecord(
  m: MarketplaceProductModel,
  sharesData: boolean,
): Record<string, unknown> {
  const record = marketplaceRecord(m);
  if (!sharesData) delete record['units_sold'];
  return record;
}

/**
 * A creator is invited when the seller's collaboration names it among its creators, or (the detail
 * names a handful only) when a stable hash of the pair picks it, about one collaboration in three.
 */
export function creatorInvited(m: TargetCollabModel, openId: string): boolean {
  if (m.creators.some((c) => c.profile.openId === openId)) return true;
  return hash4(hashString(openId), hashString(m.id), 0x7c01) % 3 === 0;
}

/**
 * The creator-side state: LIVE while the collaboration runs (a cancellation winding down included),
 * ENDED once the seller's cancellation completed, EXPIRED past its end, DELETED when the seller
 * deleted it. null: not created yet.
 */
export function creatorTargetStatus(m: TargetCollabModel, nowS: number): CreatorTargetStatus | null {
  if (m.deleted) return m.createdAtS > nowS ? null : 'DELETED';
  const status = targetStatus(m, nowS);
  if (status === null) return null;
  if (status === 'COMPLETED') return m.cancelAtS !== null && m.cancelAtS < m.endS ? 'ENDED' : 'EXPIRED';
  return 'LIVE';
}

export function creatorTargetRecord(
  m: TargetCollabModel,
  status: CreatorTargetStatus,
): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    status,
    products: m.products
      .filter((p) => p.collaborationStatus === 'NORMAL')
      .map((p) => ({
        id: p.product.id,
        title: p.product.title,
        main_image_url: p.product.imageUrl,
        commission: {
          rate: p.rate,
          amount: formatMinor(applyBps(p.product.priceMinor, p.rate), p.product.currency),
          currency: p.product.currency,
        },
      })),
  };
}

export interface CreatorInvitation {
  model: TargetCollabModel;
  status: CreatorTargetStatus;
}

/**
 * The creator's invitations from one shop, in the order the search lists them (newest first, id as
 * the tie-break). A search without keyword lists LIVE, EXPIRED and ENDED ones; a DELETED one is
 * found only by its id (the documented states of an id search include DELETED).
 */
export function creatorInvitations(
  world: World,
  openId: string,
  shopId: string,
  nowS: number,
  opts: { includeDeleted?: boolean } = {},
): CreatorInvitation[] {
  const out: CreatorInvitation[] = [];
  for (const model of world.targetCollabs.get(shopId) ?? []) {
    if (!creatorInvited(model, openId)) continue;
    const status = creatorTargetStatus(model, nowS);
    if (status === null || (status === 'DELETED' && !opts.includeDeleted)) continue;
    out.push({ model, status });
  }
  return out.sort((a, b) => b.model.createdAtS - a.model.createdAtS || (a.model.id < b.model.id ? -1 : 1));
}
