/**
 * The creator's collaboration searches (creator token, no cipher):
 * - target collaborations 202405: the invitations the creator received from ONE shop, `shop_id`
 *   required in the body, page_size required in [1, 100]; keyword_type TARGET_COLLABORATIONS_ID
 *   finds any state (DELETED included), TARGET_COLLABORATIONS_NAME only LIVE ones.
 * - open collaboration products 202405: the seller's marketplace search as a creator sees it,
 *   page_size required in [1, 20], units_sold absent unless the creator shares data.
 */
import {
  type CreatorInvitation,
  creatorInvitations,
  creatorMarketplaceRecord,
  creatorSharesData,
  creatorTargetRecord,
} from '../data/creator-collab-records.ts';
import {
  MARKETPLACE_SORT_FIELDS,
  matchesCriteria,
  parseCriteria,
  sortValue,
} from '../data/marketplace-query.ts';
import type { CreatorAccountModel, MarketplaceProductModel } from '../data/model.ts';
import { Errors } from '../errors.ts';
import type { CursorKey } from '../page-token.ts';
import type { HandlerContext, HandlerResult } from './context.ts';
import { keysetPage, optEnum, optString, pageSize, queryFingerprint, sortByKey } from './paging.ts';

function creatorAccount(ctx: HandlerContext): CreatorAccountModel {
  const creator = ctx.world.creators.find((c) => c.openId === ctx.principal.account.id);
  if (!creator) throw Errors.wrongUserType();
  return creator;
}

const KEYWORD_TYPES = ['TARGET_COLLABORATIONS_ID', 'TARGET_COLLABORATIONS_NAME'];

export function creatorTargetCollaborations(ctx: HandlerContext): HandlerResult {
  const creator = creatorAccount(ctx);
  const size = pageSize(ctx, { min: 1, max: 100, fallback: 20, required: true });
  const shopId = optString(ctx, ctx.body, 'shop_id');
  if (shopId === null || shopId === '') throw Errors.param(ctx.family, 'shop_id is required');
  const keywordType = optEnum(ctx, optString(ctx, ctx.body, 'keyword_type'), 'keyword_type', KEYWORD_TYPES);
  const keyword = optString(ctx, ctx.body, 'keyword');
  if ((keywordType === null) !== (keyword === null)) {
    throw Errors.param(ctx.family, 'keyword_type and keyword go together');
  }
  const byId = keywordType === 'TARGET_COLLABORATIONS_ID';
  const visible = creatorInvitations(ctx.world, creator.openId, shopId, ctx.nowS, {
    includeDeleted: byId,
  }).filter((i) => {
    if (keyword === null) return true;
    if (byId) return i.model.id === keyword;
    return i.status === 'LIVE' && i.model.name.toLowerCase().includes(keyword.toLowerCase());
  });
  const keyOf = (i: CreatorInvitation): CursorKey => [-i.model.createdAtS, i.model.id];
  const fp = queryFingerprint(ctx, `${creator.openId}:${shopId}`, [keywordType, keyword]);
  const page = keysetPage(ctx, sortByKey(visible, keyOf), keyOf, size, fp);
  const records = page.items.map((i) => creatorTargetRecord(i.model, i.status));
  return {
    data: {
      total_count: visible.length,
      next_page_token: page.nextPageToken,
      target_collaborations: records,
    },
    records,
  };
}

export function creatorOpenCollaborationProducts(ctx: HandlerContext): HandlerResult {
  const creator = creatorAccount(ctx);
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
  const fp = queryFingerprint(ctx, creator.openId, [sortField, sortOrder, criteria]);
  const page = keysetPage(ctx, sortByKey(matching, keyOf), keyOf, size, fp);
  const shares = creatorSharesData(creator);
  const records = page.items.map((m) => creatorMarketplaceRecord(m, shares));
  return {
    data: { products: records, next_page_token: page.nextPageToken, total_count: matching.length },
    records,
  };
}
