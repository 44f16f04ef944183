/**
 * The seller's open collaborations (docs/tiktok-api.md#open-collaborations, 202412) and the open-collaboration product
 * marketplace search (docs/tiktok-api.md#open-collaboration-product-search, 202405).
 */
import { openCollabRecord, openCollabVisible } from '../data/collab-records.ts';
import {
  MARKETPLACE_SORT_FIELDS,
  matchesCriteria,
  parseCriteria,
  sortValue,
} from '../data/marketplace-query.ts';
import type { MarketplaceProductModel, OpenCollabModel } from '../data/model.ts';
import { marketplaceRecord } from '../data/partner-records.ts';
import { Errors } from '../errors.ts';
import type { CursorKey } from '../page-token.ts';
import type { HandlerContext, HandlerResult } from './context.ts';
import { keysetPage, optEnum, optString, pageSize, queryFingerprint, sortByKey } from './paging.ts';

export function openCollaborations(ctx: HandlerContext): HandlerResult {
  const shop = ctx.shop;
  if (!shop) throw Errors.missingShopCipher();
  const size = pageSize(ctx, { min: 1, max: 100, fallback: 20, required: true });
  // Default order is creation time DESC (docs/tiktok-api.md#open-collaborations); sort_field product_original_price optional.
  const sortOrder = optEnum(ctx, ctx.query.get('sort_order'), 'sort_order', ['ASC', 'DESC']) ?? 'DESC';
  const sortField = optEnum(ctx, ctx.query.get('sort_field'), 'sort_field', ['product_original_price']);
  const keywordType = optEnum(ctx, optString(ctx, ctx.body, 'keyword_type'), 'keyword_type', [
    'PRODUCT_ID',
    'PRODUCT_NAME',
  ]);
  const keyword = optString(ctx, ctx.body, 'keyword');
  const topCategory = optString(ctx, ctx.body, 'top_level_category_id');
  const sign = sortOrder === 'DESC' ? -1 : 1;
  const keyOf = (m: OpenCollabModel): CursorKey => [
    sign * (sortField ? m.product.priceMinor : m.createdAtS),
    m.id,
  ];
  const visible = (ctx.world.openCollabs.get(shop.id) ?? []).filter((m) => {
    if (!openCollabVisible(m, ctx.nowS)) return false;
    if (keyword && keywordType === 'PRODUCT_ID' && m.product.id !== keyword) return false;
    if (
      keyword &&
      keywordType !== 'PRODUCT_ID' &&
      !m.product.title.toLowerCase().includes(keyword.toLowerCase())
    ) {
      return false;
    }
    return !topCategory || m.product.top.id === topCategory;
  });
  const fp = queryFingerprint(ctx, shop.id, [sortOrder, sortField, keywordType, keyword, topCategory]);
  const page = keysetPage(ctx, sortByKey(visible, keyOf), keyOf, size, fp);
  const records = page.items.map(openCollabRecord);
  return {
    data: { next_page_token: page.nextPageToken, total_count: visible.length, open_collaborations: records },
    records,
  };
}

export function openCollaborationProducts(ctx: HandlerContext): HandlerResult {
  const size = pageSize(ctx, { min: 1, max: 20, fallback: 20, required: true });
  const sortField =
    optEnum(ctx, ctx.query.get('sort_field'), 'sort_field', MARKETPLACE_SORT_FIELDS) ?? 'commission_rate';
  const sortOrder = optEnum(ctx, ctx.query.get('sort_order'), 'sort_order', ['ASC', 'DESC']) ?? 'ASC';
  let criteria: ReturnType<typeof parseCriteria>;
  try {
    criteria = parseCriteria(ctx.body);
  } catch (error) {
    throw Errors.param(ctx.family, (error as Error).message);
  }
  const sign = sortOrder === 'DESC' ? -1 : 1;
  const keyOf = (m: MarketplaceProductModel): CursorKey => [sign * sortValue(m, sortField), m.product.id];
  const matching = ctx.world.marketplace.filter((m) => matchesCriteria(m, criteria));
  // The marketplace spans all shops of the seller's regions, not the seller's own (docs/tiktok-api.md#open-collaboration-product-search).
  const fp = queryFingerprint(ctx, ctx.principal.account.id, [sortField, sortOrder, criteria]);
  const page = keysetPage(ctx, sortByKey(matching, keyOf), keyOf, size, fp);
  const records = page.items.map(marketplaceRecord);
  return {
    data: { products: records, next_page_token: page.nextPageToken, total_count: matching.length },
    records,
  };
}
