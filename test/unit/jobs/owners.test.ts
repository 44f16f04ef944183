import { describe, expect, it } from 'vitest';
import { ConnectionSetupError, ownersFor } from '../../../src/jobs/owners.ts';
import type { EngineConnection } from '../../../src/jobs/store.ts';

const tokens = { accessToken: async () => 't', refreshAfterExpiry: async () => 't' };
const base: EngineConnection = {
  id: 1,
  kind: 'seller',
  name: 'n',
  status: 'active',
  appKey: 'app',
  appSecret: 'secret',
  openId: 'open-1',
  shops: [
    { id: 'shop-a', cipher: 'ROW_a' },
    { id: 'shop-b', cipher: 'ROW_b' },
  ],
  categoryAssets: [{ cipher: 'TTP_asset' }],
};

describe('ownersFor (docs/tiktok-api.md#token-types token types, docs/tiktok-api.md#rate-limits budget per (app, shop))', () => {
  it('a seller syncs every shop with its own shop_cipher and budget scope', () => {
    const owners = ownersFor(base, 'seller_affiliate_orders', tokens);
    expect(
      owners.map((o) => [o.ownerId, o.auth.shopCipher, o.auth.budgetScope, o.auth.categoryAssetCipher]),
    ).toEqual([
      ['shop-a', 'ROW_a', 'shop-a', undefined],
      ['shop-b', 'ROW_b', 'shop-b', undefined],
    ]);
  });

  it('the marketplace product search is walked once per connection, not once per shop', () => {
    expect(ownersFor(base, 'open_collaboration_products', tokens).map((o) => o.ownerId)).toEqual(['shop-a']);
  });

  it('a creator is its own owner, with no cipher; a partner syncs each category asset', () => {
    const creator = ownersFor({ ...base, kind: 'creator' }, 'creator_affiliate_orders', tokens);
    expect(creator.map((o) => [o.ownerId, o.auth.shopCipher, o.auth.budgetScope])).toEqual([
      ['open-1', undefined, 'open-1'],
    ]);
    const partner = ownersFor({ ...base, kind: 'partner' }, 'partner_campaigns', tokens);
    expect(partner.map((o) => [o.ownerId, o.auth.categoryAssetCipher, o.auth.shopCipher])).toEqual([
      ['TTP_asset', 'TTP_asset', undefined],
    ]);
  });

  it('a connection without owners is a clear, permanent setup error', () => {
    expect(() => ownersFor({ ...base, shops: [] }, 'open_collaborations', tokens)).toThrow(
      ConnectionSetupError,
    );
    expect(() =>
      ownersFor({ ...base, kind: 'creator', openId: null }, 'creator_affiliate_orders', tokens),
    ).toThrow(/open_id/);
    expect(() =>
      ownersFor({ ...base, kind: 'partner', categoryAssets: [] }, 'partner_campaigns', tokens),
    ).toThrow(/category asset/);
  });
});
