/**
 * Affiliate partner (TAP) endpoints (docs/tiktok-api.md#partner-campaigns). All require category_asset_cipher.
 */
import type { CampaignModel, CampaignProductModel, FulfillmentModel } from '../data/model.ts';
import {
  campaignDetailRecord,
  campaignProductRecord,
  campaignStatus,
  campaignSummaryRecord,
  fulfillmentRecord,
} from '../data/partner-records.ts';
import { Errors } from '../errors.ts';
import type { CursorKey } from '../page-token.ts';
import type { HandlerContext, HandlerResult } from './context.ts';
import { keysetPage, optEnum, pageSize, queryFingerprint, sortByKey } from './paging.ts';

const CAMPAIGN_TYPES = ['MY_CAMPAIGNS', 'GS_SELLING_CAMPAIGNS', 'SELLER_CAMPAIGNS', 'EXCLUSIVE_TIKTOK_SHOP'];
const REVIEW_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'PENDING_CLOSED', 'CLOSED'];

function findCampaign(ctx: HandlerContext): CampaignModel {
  const id = ctx.params['campaign_id'] ?? '';
  const campaign = ctx.asset?.campaigns.find((c) => c.id === id);
  if (!campaign) throw Errors.campaignNotFound();
  return campaign;
}

export function campaigns(ctx: HandlerContext): HandlerResult {
  const asset = ctx.asset;
  if (!asset) throw Errors.missingAssetCipher();
  const size = pageSize(ctx, { min: 1, max: 100, fallback: 10, required: true });
  const status = optEnum(ctx, ctx.query.get('status'), 'status', [
    'READY',
    'UPCOMING',
    'ONGOING',
    'CLOSED',
    'UNSPECIFIED',
  ]);
  const type = optEnum(ctx, ctx.query.get('type'), 'type', CAMPAIGN_TYPES) ?? 'MY_CAMPAIGNS';
  // The sandbox models the partner's own campaigns only: other list types are empty.
  const all = type === 'MY_CAMPAIGNS' ? asset.campaigns : [];
  const matching = all.filter(
    (c) => !status || status === 'UNSPECIFIED' || campaignStatus(c, ctx.nowS) === status,
  );
  const keyOf = (c: CampaignModel): CursorKey => [-c.registrationStartS, c.id];
  const fp = queryFingerprint(ctx, asset.cipher, [status, type, ctx.query.get('query_type_filter')]);
  const page = keysetPage(ctx, sortByKey(matching, keyOf), keyOf, size, fp);
  const records = page.items.map((c) => campaignSummaryRecord(c, ctx.nowS));
  return {
    data: { campaigns: records, next_page_token: page.nextPageToken, total_count: matching.length },
    records,
  };
}

export function campaignDetail(ctx: HandlerContext): HandlerResult {
  const record = campaignDetailRecord(findCampaign(ctx), ctx.nowS);
  return { data: record, records: [record] };
}

export function campaignProducts(ctx: HandlerContext): HandlerResult {
  const campaign = findCampaign(ctx);
  // page_size is required; no range is documented (docs/tiktok-api.md#campaign-products): accept 1-100.
  const size = pageSize(ctx, { min: 1, max: 100, fallback: 20, required: true });
  const review = optEnum(ctx, ctx.query.get('review_status'), 'review_status', REVIEW_STATUSES);
  const name = ctx.query.get('product_name')?.toLowerCase() || null;
  const productId = ctx.query.get('product_id') || null;
  const shopName = ctx.query.get('shop_name')?.toLowerCase() || null;
  const categoryId = ctx.query.get('category_id') || null;
  const matching = campaign.products.filter(
    (p) =>
      (!review || p.reviewStatus === review) &&
      (!name || p.product.title.toLowerCase().includes(name)) &&
      (!productId || p.product.id === productId) &&
      (!shopName || p.shopName.toLowerCase().includes(shopName)) &&
      (!categoryId || p.product.leaf.id === categoryId || p.product.top.id === categoryId),
  );
  const keyOf = (p: CampaignProductModel): CursorKey => [p.product.id];
  const fp = queryFingerprint(ctx, `${ctx.asset?.cipher}:${campaign.id}`, [
    review,
    name,
    productId,
    shopName,
    categoryId,
  ]);
  const page = keysetPage(ctx, sortByKey(matching, keyOf), keyOf, size, fp);
  const records = page.items.map((p) => campaignProductRecord(p, campaign.region));
  return {
    data: { products: records, next_page_token: page.nextPageToken, total_count: matching.length },
    records,
  };
}

export function fulfillment(ctx: HandlerContext): HandlerResult {
  const campaign = findCampaign(ctx);
  const productId = ctx.params['product_id'] ?? '';
  const product = campaign.products.find((p) => p.product.id === productId);
  if (!product) throw Errors.campaignNotFound();
  // page_size optional, [1-50] (docs/tiktok-api.md#creator-fulfillment).
  const size = pageSize(ctx, { min: 1, max: 50, fallback: 20, required: false });
  const keyOf = (f: FulfillmentModel): CursorKey => [f.joinedAtMs, f.profile.openId];
  const fp = queryFingerprint(ctx, `${ctx.asset?.cipher}:${campaign.id}:${productId}`, []);
  const page = keysetPage(ctx, sortByKey(product.creators, keyOf), keyOf, size, fp);
  const records = page.items.map((f) => fulfillmentRecord(f, product.product.currency));
  // No total_count here: total_creator_count plays that role (docs/tiktok-api.md#creator-fulfillment).
  return {
    data: {
      total_creator_count: product.creators.length,
      promotion_creators: records,
      next_page_token: page.nextPageToken,
    },
    records,
  };
}
