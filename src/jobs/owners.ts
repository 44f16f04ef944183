/**
 * The owners a connection syncs a stream for, each with its ConnectionAuth (docs/tiktok-api.md#token-types): every shop
 * of a seller (shop_cipher), the creator itself (no cipher), every category asset of a partner
 * (category_asset_cipher). The rate budget is partitioned per (app, shop) (docs/tiktok-api.md#rate-limits); for creators
 * and partners the keying is undocumented (docs/tiktok-api.md#rate-limit-keying-without-a-shop), so the open_id / asset cipher stands in for the shop.
 */
import type { StreamName } from '../core/streams.ts';
import type { ConnectionAuth, TokenSource } from '../tiktok/types.ts';
import type { EngineConnection } from './store.ts';

export interface StreamOwner {
  ownerId: string;
  auth: ConnectionAuth;
}

export class ConnectionSetupError extends Error {
  override readonly name = 'ConnectionSetupError';
}

export function ownersFor(conn: EngineConnection, stream: StreamName, tokens: TokenSource): StreamOwner[] {
  const base = { appKey: conn.appKey, appSecret: conn.appSecret, tokens };
  let owners: StreamOwner[];
  switch (conn.kind) {
    case 'seller':
      owners = conn.shops.map((s) => ({
        ownerId: s.id,
        auth: { ...base, shopCipher: s.cipher, budgetScope: s.id },
      }));
      // The product search is a MARKETPLACE search (docs/tiktok-api.md#open-collaboration-product-search), the same for every shop of the
      // seller: walking it once per shop would only repeat the same rows, so the first shop stands in.
      if (stream === 'open_collaboration_products') owners = owners.slice(0, 1);
      break;
    case 'creator':
      if (!conn.openId) throw new ConnectionSetupError(`creator connection ${conn.id} has no open_id`);
      owners = [{ ownerId: conn.openId, auth: { ...base, budgetScope: conn.openId } }];
      break;
    case 'partner':
      owners = conn.categoryAssets.map((a) => ({
        ownerId: a.cipher,
        auth: { ...base, categoryAssetCipher: a.cipher, budgetScope: a.cipher },
      }));
      break;
  }
  if (owners.length === 0) {
    throw new ConnectionSetupError(
      `connection ${conn.id} (${conn.kind}) has no ${conn.kind === 'seller' ? 'authorized shop' : 'category asset'}: re-run "connections add" to discover them`,
    );
  }
  return owners;
}
