/**
 * Ground truth: every record a complete, correct sync must hold right now, in API shape, grouped
 * the way each stream fetches them (see GroundTruth in types.ts). Built with the same projection
 * functions the endpoints use, at the same virtual time, without faults.
 */
import {
  TARGET_STATUSES,
  openCollabRecord,
  openCollabVisible,
  targetDetailRecord,
  targetSearchRecord,
  targetStatus,
} from './data/collab-records.ts';
import {
  creatorInvitations,
  creatorMarketplaceRecord,
  creatorSharesData,
  creatorTargetRecord,
} from './data/creator-collab-records.ts';
import { matchesCriteria, parseCriteria } from './data/marketplace-query.ts';
import type { OrderPager } from './data/order-source.ts';
import {
  campaignDetailRecord,
  campaignProductRecord,
  campaignSummaryRecord,
  fulfillmentRecord,
  marketplaceRecord,
} from './data/partner-records.ts';
import { productPerformanceRecord } from './data/performance-records.ts';
import type { World } from './data/world.ts';
import type { GroundTruth } from './types.ts';

type Group = GroundTruth['groups'][number];

function requireOwner<T>(value: T | undefined, stream: string, owner: string): T {
  if (value === undefined) throw new Error(`groundTruth(${stream}): unknown owner "${owner}"`);
  return value;
}

export function groundTruth(
  world: World,
  pager: OrderPager,
  nowMs: number,
  stream: string,
  owner: string,
  criteria?: Record<string, unknown>,
): GroundTruth {
  const nowS = Math.floor(nowMs / 1000);
  const groups: Group[] = [];
  switch (stream) {
    case 'seller_affiliate_orders': {
      const source = requireOwner(world.sellerOrders.get(owner), stream, owner);
      groups.push({
        endpoint: 'seller_orders',
        scope: {},
        records: pager.all(source, source.timeline.baseS, nowS + 1, nowS),
      });
      break;
    }
    case 'creator_affiliate_orders': {
      const source = requireOwner(world.creatorOrders.get(owner), stream, owner);
      groups.push({
        endpoint: 'creator_orders',
        scope: {},
        records: pager.all(source, source.timeline.baseS, nowS + 1, nowS),
      });
      break;
    }
    case 'partner_affiliate_orders': {
      const source = requireOwner(world.partnerOrders.get(owner), stream, owner);
      groups.push({
        endpoint: 'partner_orders',
        scope: {},
        records: pager.all(source, source.timeline.baseS, nowS + 1, nowS),
      });
      break;
    }
    case 'campaign_product_performance': {
      const asset = requireOwner(world.assetsByCipher.get(owner), stream, owner);
      for (const c of asset.campaigns) {
        groups.push({
          endpoint: 'campaign_product_performance',
          scope: { campaign_id: c.id },
          records: [...c.products]
            .sort((a, b) => (a.product.id < b.product.id ? -1 : 1))
            .map((p) => productPerformanceRecord(p, nowMs)),
        });
      }
      break;
    }
    case 'open_collaborations': {
      const list = requireOwner(world.openCollabs.get(owner), stream, owner);
      const records = list.filter((m) => openCollabVisible(m, nowS)).map(openCollabRecord);
      groups.push({ endpoint: 'open_collaborations', scope: {}, records });
      break;
    }
    case 'open_collaboration_products': {
      // The marketplace is shared by all sellers (docs/tiktok-api.md#open-collaboration-product-search): the owner only names the caller.
      const parsed = parseCriteria(criteria ?? {});
      const records = world.marketplace.filter((m) => matchesCriteria(m, parsed)).map(marketplaceRecord);
      groups.push({ endpoint: 'open_collaboration_products', scope: {}, records });
      break;
    }
    case 'creator_target_collaborations': {
      // One group per shop the creator buys through that has a seller in this world (the others
      // have no collaborations to invite it to).
      const creator = requireOwner(
        world.creators.find((c) => c.openId === owner),
        stream,
        owner,
      );
      for (const shopId of world.shopsById.keys()) {
        groups.push({
          endpoint: 'creator_target_collaborations',
          scope: { shop_id: shopId },
          records: creatorInvitations(world, creator.openId, shopId, nowS).map((i) =>
            creatorTargetRecord(i.model, i.status),
          ),
        });
      }
      break;
    }
    case 'creator_open_collaboration_products': {
      const creator = requireOwner(
        world.creators.find((c) => c.openId === owner),
        stream,
        owner,
      );
      const parsed = parseCriteria(criteria ?? {});
      const shares = creatorSharesData(creator);
      const records = world.marketplace
        .filter((m) => matchesCriteria(m, parsed))
        .map((m) => creatorMarketplaceRecord(m, shares));
      groups.push({ endpoint: 'creator_open_collaboration_products', scope: {}, records });
      break;
    }
    case 'target_collaborations': {
      const list = requireOwner(world.targetCollabs.get(owner), stream, owner);
      const records: Record<string, unknown>[] = [];
      for (const m of list) {
        const status = targetStatus(m, nowS);
        if (status === null || !TARGET_STATUSES.includes(status)) continue;
        records.push({
          search: targetSearchRecord(m),
          detail: targetDetailRecord(m),
          collaboration_status: status,
        });
      }
      groups.push({ endpoint: 'target_collaborations', scope: {}, records });
      break;
    }
    case 'partner_campaigns': {
      const asset = requireOwner(world.assetsByCipher.get(owner), stream, owner);
      groups.push({
        endpoint: 'campaigns',
        scope: {},
        records: asset.campaigns.map((c) => ({
          summary: campaignSummaryRecord(c, nowS),
          detail: campaignDetailRecord(c, nowS),
        })),
      });
      for (const c of asset.campaigns) {
        groups.push({
          endpoint: 'campaign_products',
          scope: { campaign_id: c.id },
          records: c.products.map((p) => campaignProductRecord(p, c.region)),
        });
      }
      break;
    }
    case 'campaign_creator_fulfillment': {
      const asset = requireOwner(world.assetsByCipher.get(owner), stream, owner);
      for (const c of asset.campaigns) {
        for (const p of c.products) {
          groups.push({
            endpoint: 'fulfillment',
            scope: { campaign_id: c.id, product_id: p.product.id },
            records: [...p.creators]
              .sort((a, b) => a.joinedAtMs - b.joinedAtMs || (a.profile.openId < b.profile.openId ? -1 : 1))
              .map((f) => fulfillmentRecord(f, p.product.currency)),
          });
        }
      }
      break;
    }
    default:
      throw new Error(`groundTruth: unknown stream "${stream}"`);
  }
  return { stream, ownerId: owner, asOfMs: nowMs, groups };
}
