/**
 * Authorization endpoints: Get Authorized Shops (docs/tiktok-api.md#authorized-shops, seller token, no cipher) and Get
 * Authorized Category Assets (docs/tiktok-api.md#authorized-category-assets, partner token, no cipher; category.id is a NUMBER).
 */
import type { HandlerContext, HandlerResult } from './context.ts';

export function authorizedShops(ctx: HandlerContext): HandlerResult {
  const seller = ctx.world.sellers.find((s) => s.openId === ctx.principal.account.id);
  const shops = (seller?.shops ?? []).map((s) => ({
    id: s.id,
    name: s.name,
    region: s.region,
    seller_type: s.sellerType,
    cipher: s.cipher,
    code: s.code,
  }));
  return { data: { shops }, records: shops };
}

export function authorizedCategoryAssets(ctx: HandlerContext): HandlerResult {
  const partner = ctx.world.partner;
  const assets =
    partner.openId === ctx.principal.account.id
      ? partner.assets.map((a) => ({
          cipher: a.cipher,
          target_market: a.targetMarket,
          category: { id: a.categoryId, name: a.categoryName },
        }))
      : [];
  return { data: { category_assets: assets }, records: assets };
}
