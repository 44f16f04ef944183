/** Token (docs/tiktok-api.md#token-response) and authorization (docs/tiktok-api.md#authorized-shops, docs/tiktok-api.md#authorized-category-assets) responses. */
import { z } from 'zod';
import { digits, int } from './common.ts';

export const tokenData = z.strictObject({
  access_token: z.string(),
  access_token_expire_in: int,
  refresh_token: z.string(),
  refresh_token_expire_in: int,
  open_id: z.string(),
  seller_name: z.string(),
  seller_base_region: z.string(),
  user_type: z.union([z.literal(0), z.literal(1), z.literal(3)]),
  granted_scopes: z.array(z.string()),
});

export const shops = z.strictObject({
  shops: z.array(
    z.strictObject({
      id: digits,
      name: z.string(),
      region: z.string(),
      seller_type: z.enum(['CROSS_BORDER', 'LOCAL']),
      cipher: z.string(),
      code: z.string(),
    }),
  ),
});

export const categoryAssets = z.strictObject({
  category_assets: z.array(
    // category.id is a NUMBER here (docs/tiktok-api.md#authorized-category-assets).
    z.strictObject({
      cipher: z.string(),
      target_market: z.string(),
      category: z.strictObject({ id: int, name: z.string() }),
    }),
  ),
});
