/**
 * Order search endpoints: seller and creator (version 202410), and the affiliate partner's TAP
 * orders (version 202411).
 */
import { Constant } from '../byte-writer.ts';
import { TRACE_MAX_SETTLE_LAG_S, type TraceTimeType } from '../data/creator-orders.ts';
import type { OrderSource } from '../data/order-source.ts';
import { Errors } from '../errors.ts';
import type { HandlerContext, HandlerResult } from './context.ts';
import {
  cursor,
  optInt,
  optString,
  pageSize,
  pastTheEnd,
  queryFingerprint,
  terminalToken,
} from './paging.ts';

const ORDERS_OPEN = new Constant('{"orders":[');
const COMMA = new Constant(',');

/** page_size is required, 1-100, default 20 on both order endpoints (docs/tiktok-api.md#page-sizes). */
const ORDER_PAGE = { min: 1, max: 100, fallback: 20, required: true };

const DAY_S = 86_400;
/** orderRangeCap 90d: the widest create_time window accepted, in seconds (inclusive). */
const MAX_RANGE_S = 90 * DAY_S;

/**
 * The order_range_cap quirk: the docs state no maximum window, third parties report 90 days.
 * An omitted create_time_ge counts from the owner's earliest order, an omitted create_time_lt
 * from now.
 */
function checkRange(
  ctx: HandlerContext,
  source: OrderSource,
  ge: number | null,
  lt: number | null,
  capped = ctx.quirks.orderRangeCap === '90d',
): void {
  if (!capped) return;
  const span = (lt ?? ctx.nowS) - (ge ?? source.timeline.createTime(0));
  if (span > MAX_RANGE_S) throw Errors.orderRange(Math.round((span / DAY_S) * 10) / 10);
}

function searchOrders(
  ctx: HandlerContext,
  source: OrderSource,
  owner: string,
  programId: string | null,
  capped?: boolean,
): HandlerResult {
  const size = pageSize(ctx, ORDER_PAGE);
  const ge = optInt(ctx, ctx.body, 'create_time_ge');
  const lt = optInt(ctx, ctx.body, 'create_time_lt');
  checkRange(ctx, source, ge, lt, capped);
  // Defaults (docs/tiktok-api.md#seller-orders): only ge -> lt = now; only lt -> ge = the shop's earliest time.
  // Orders created after now do not exist yet, so "now" bounds the range in every case.
  const geS = ge ?? source.timeline.baseS;
  const ltS = lt ?? ctx.nowS + 1;
  const fp = queryFingerprint(ctx, owner, [ge, lt, programId]);
  // Past the end (page_token "0" in zero mode): an index after every order gives an empty page
  // with the window's total_count.
  const after = pastTheEnd(ctx) ? [Number.MAX_SAFE_INTEGER - 1] : cursor(ctx, fp);
  const afterIndex = after === null ? -1 : Number(after[0]);
  if (!Number.isInteger(afterIndex) || afterIndex < -1) throw Errors.pageToken('malformed position');
  const page = ctx.pager.page(source, { geS, ltS, programId, afterIndex, pageSize: size, nowS: ctx.nowS });
  const next = page.hasMore ? ctx.codec.encode(fp, [page.lastIndex], ctx.nowMs) : terminalToken(ctx);
  // total_count counts ORDERS, not sku lines (docs/tiktok-api.md#seller-orders; docs/tiktok-api.md#last-page-marker notes the doubt).
  const w = ctx.out;
  w.constant(ORDERS_OPEN);
  const { indices } = page;
  let lines = 0;
  for (let k = 0; k < indices.length; k++) {
    if (k > 0) w.constant(COMMA);
    lines += source.writeJson(indices[k] as number, ctx.nowS, w);
  }
  w.text(
    next === undefined
      ? `],"total_count":${page.totalCount}}`
      : `],"next_page_token":"${next}","total_count":${page.totalCount}}`,
  );
  return { written: true, listKey: 'orders', records: indices.length, lines };
}

export function sellerOrders(ctx: HandlerContext): HandlerResult {
  const shop = ctx.shop;
  if (!shop) throw Errors.missingShopCipher();
  const source = ctx.world.sellerOrders.get(shop.id);
  if (!source) throw Errors.internal();
  const programId = optString(ctx, ctx.body, 'program_id');
  return searchOrders(ctx, source, shop.id, programId === '' ? null : programId);
}

export function creatorOrders(ctx: HandlerContext): HandlerResult {
  const source = ctx.world.creatorOrders.get(ctx.principal.account.id);
  if (!source) throw Errors.wrongUserType();
  return searchOrders(ctx, source, ctx.principal.account.id, null);
}

/**
 * TAP orders: the 90-day range cap always applies here, whatever the orderRangeCap switch: the
 * newer version of this search is reported to allow three months at most, so a client must
 * already bound its ranges. `campaign_id` filters the orders with a line of that campaign.
 */
export function partnerOrders(ctx: HandlerContext): HandlerResult {
  const asset = ctx.asset;
  if (!asset) throw Errors.missingAssetCipher();
  const source = ctx.world.partnerOrders.get(asset.cipher);
  if (!source) throw Errors.internal();
  const campaignId = optString(ctx, ctx.body, 'campaign_id');
  return searchOrders(ctx, source, asset.cipher, campaignId === '' ? null : campaignId, true);
}

const TRACE_TIME_TYPES: readonly TraceTimeType[] = [
  'PAY_TIME',
  'DELIVERY_TIME',
  'SETTLE_TIME',
  'CREATE_TIME',
];

/**
 * Creator trace orders (POST /affiliate_creator/202505/orders/trace/search): the creator's orders
 * whose time of `time_type` (default CREATE_TIME) is in [time_ge, time_lt), in create order. Under
 * the creator_trace_orders=refused quirk the app is not granted this API: the answer is the
 * missing-scope refusal (105005) every ungranted API gets.
 * Settlement and delivery happen within 80 days of creation, so a SETTLE_TIME or DELIVERY_TIME
 * range is looked for among the orders created up to 80 days before it; the page token is the
 * last index served, as in the create-time searches.
 */
export function creatorTraceOrders(ctx: HandlerContext): HandlerResult {
  if (ctx.quirks.creatorTraceOrders === 'refused') throw Errors.scope('creator.affiliate_order_trace.read');
  const source = ctx.world.creatorOrders.get(ctx.principal.account.id);
  if (!source) throw Errors.wrongUserType();
  const size = pageSize(ctx, ORDER_PAGE);
  const rawType = ctx.body['time_type'];
  if (rawType !== undefined && !TRACE_TIME_TYPES.includes(rawType as TraceTimeType))
    throw Errors.param(ctx.family, `time_type must be one of ${TRACE_TIME_TYPES.join(', ')}`);
  const type = (rawType ?? 'CREATE_TIME') as TraceTimeType;
  const ge = optInt(ctx, ctx.body, 'time_ge') ?? source.timeline.baseS;
  const lt = optInt(ctx, ctx.body, 'time_lt') ?? ctx.nowS + 1;
  const byCreate = type === 'CREATE_TIME' || type === 'PAY_TIME';
  const { lo, hi } = source.timeline.range(byCreate ? ge : ge - TRACE_MAX_SETTLE_LAG_S, lt, ctx.nowS);
  const fp = queryFingerprint(ctx, ctx.principal.account.id, [ge, lt, type]);
  const after = pastTheEnd(ctx) ? [Number.MAX_SAFE_INTEGER - 1] : cursor(ctx, fp);
  const afterIndex = after === null ? -1 : Number(after[0]);
  if (!Number.isInteger(afterIndex) || afterIndex < -1) throw Errors.pageToken('malformed position');
  const matches = (i: number) => {
    const t = source.traceTime(i, type, ctx.nowS);
    return t !== null && t >= ge && t < lt;
  };
  const indices: number[] = [];
  let total = 0;
  let hasMore = false;
  for (let i = lo; i < hi; i++) {
    if (!matches(i)) continue;
    total += 1;
    if (i <= afterIndex) continue;
    if (indices.length < size) indices.push(i);
    else hasMore = true;
  }
  const last = indices.at(-1);
  const next = hasMore && last !== undefined ? ctx.codec.encode(fp, [last], ctx.nowMs) : terminalToken(ctx);
  const w = ctx.out;
  w.constant(ORDERS_OPEN);
  let lines = 0;
  for (let k = 0; k < indices.length; k++) {
    if (k > 0) w.constant(COMMA);
    const json = source.buildTraceJson(indices[k] as number, ctx.nowS);
    w.text(json);
    lines += source.lineCount(indices[k] as number);
  }
  w.text(
    next === undefined
      ? `],"total_count":${total}}`
      : `],"next_page_token":"${next}","total_count":${total}}`,
  );
  return { written: true, listKey: 'orders', records: indices.length, lines };
}
