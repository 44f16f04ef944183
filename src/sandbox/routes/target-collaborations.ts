/**
 * Seller target collaborations: search (docs/tiktok-api.md#target-collaborations, 202508) and detail (docs/tiktok-api.md#target-collaboration-detail, 202508).
 */
import {
  statusMatches,
  targetDetailRecord,
  targetSearchRecord,
  targetStatus,
} from '../data/collab-records.ts';
import type { TargetCollabModel } from '../data/model.ts';
import { Errors } from '../errors.ts';
import type { CursorKey } from '../page-token.ts';
import type { HandlerContext, HandlerResult } from './context.ts';
import {
  keysetPage,
  optEnum,
  optObject,
  optString,
  pageSize,
  queryFingerprint,
  sortByKey,
} from './paging.ts';

const STATUS_FILTERS = ['ONGOING', 'EXPIRING', 'VALID', 'CANCELING', 'COMPLETED'];
const KEYWORD_TYPES = ['PRODUCT_ID', 'PRODUCT_NAME', 'TARGET_COLLABORATION_ID', 'TARGET_COLLABORATION_NAME'];

function matchesKeyword(m: TargetCollabModel, type: string, keyword: string): boolean {
  const k = keyword.toLowerCase();
  switch (type) {
    case 'PRODUCT_ID':
      return m.products.some((p) => p.product.id === keyword);
    case 'PRODUCT_NAME':
      return m.products.some((p) => p.product.title.toLowerCase().includes(k));
    case 'TARGET_COLLABORATION_ID':
      return m.id === keyword;
    default:
      return m.name.toLowerCase().includes(k);
  }
}

export function targetCollaborations(ctx: HandlerContext): HandlerResult {
  const shop = ctx.shop;
  if (!shop) throw Errors.missingShopCipher();
  // page_size is optional but must be 20, 50 or 100 (docs/tiktok-api.md#target-collaborations).
  const size = pageSize(ctx, { min: 20, max: 100, fallback: 20, required: false, allowed: [20, 50, 100] });
  // collaboration_status is REQUIRED in 202508 (docs/tiktok-api.md#target-collaborations).
  const status = optEnum(
    ctx,
    optString(ctx, ctx.body, 'collaboration_status'),
    'collaboration_status',
    STATUS_FILTERS,
  );
  if (status === null) throw Errors.param('seller', 'collaboration_status is required');
  const accept = optEnum(ctx, optString(ctx, ctx.body, 'creator_accept_status'), 'creator_accept_status', [
    'ACCEPT',
    'ALL',
  ]);
  const sample = optEnum(ctx, optString(ctx, ctx.body, 'free_sample_setting'), 'free_sample_setting', [
    'WITH_FREE_SAMPLE',
    'ALL',
  ]);
  const search = optObject(ctx, ctx.body, 'search_param');
  let keywordType: string | null = null;
  let keyword: string | null = null;
  if (search !== null) {
    keywordType = optEnum(
      ctx,
      optString(ctx, search, 'keyword_type'),
      'search_param.keyword_type',
      KEYWORD_TYPES,
    );
    keyword = optString(ctx, search, 'keyword');
    if (keywordType === null || keyword === null) {
      throw Errors.param('seller', 'search_param.keyword_type and search_param.keyword are both required');
    }
  }
  const creatorOpenId = optString(ctx, ctx.body, 'creator_user_open_id');
  const visible = (ctx.world.targetCollabs.get(shop.id) ?? []).filter((m) => {
    const s = targetStatus(m, ctx.nowS);
    if (s === null || !statusMatches(status, s)) return false;
    if (accept === 'ACCEPT' && !m.creators.some((c) => c.showcaseProducts > 0)) return false;
    if (sample === 'WITH_FREE_SAMPLE' && !m.hasFreeSample) return false;
    if (keywordType !== null && keyword !== null && !matchesKeyword(m, keywordType, keyword)) return false;
    return !creatorOpenId || m.creators.some((c) => c.profile.openId === creatorOpenId);
  });
  // Order is undocumented: newest first, id as the tie-break.
  const keyOf = (m: TargetCollabModel): CursorKey => [-m.createdAtS, m.id];
  const fp = queryFingerprint(ctx, shop.id, [status, accept, sample, keywordType, keyword, creatorOpenId]);
  const page = keysetPage(ctx, sortByKey(visible, keyOf), keyOf, size, fp);
  const records = page.items.map(targetSearchRecord);
  return {
    data: {
      total_count: visible.length,
      next_page_token: page.nextPageToken,
      target_collaborations: records,
    },
    records,
  };
}

export function targetCollaborationDetail(ctx: HandlerContext): HandlerResult {
  const shop = ctx.shop;
  if (!shop) throw Errors.missingShopCipher();
  const id = ctx.params['target_collaboration_id'] ?? '';
  const model = (ctx.world.targetCollabs.get(shop.id) ?? []).find((m) => m.id === id);
  if (!model || targetStatus(model, ctx.nowS) === null) throw Errors.targetNotFound();
  const record = targetDetailRecord(model);
  return { data: { target_collaboration: record }, records: [record] };
}
