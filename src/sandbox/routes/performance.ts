/**
 * Campaign product statistics list (GET /affiliate_partner/202501/campaigns/{campaign_id}/products/performance).
 * This version lists no category_asset_cipher, so none is accepted (the campaign is looked up among
 * the partner's assets), page_size is optional in [1, 50], and the last page answers next_page_token
 * "0" as the official example does (a non-empty token meaning "no more").
 */
import type { CampaignModel, CampaignProductModel } from '../data/model.ts';
import { productPerformanceRecord } from '../data/performance-records.ts';
import { Errors } from '../errors.ts';
import type { CursorKey } from '../page-token.ts';
import type { HandlerContext, HandlerResult } from './context.ts';
import { keysetPage, pageSize, queryFingerprint, sortByKey } from './paging.ts';

function partnerCampaign(ctx: HandlerContext): CampaignModel {
  const id = ctx.params['campaign_id'] ?? '';
  for (const asset of ctx.world.partner.assets) {
    const campaign = asset.campaigns.find((c) => c.id === id);
    if (campaign) return campaign;
  }
  throw Errors.campaignNotFound();
}

export function campaignProductPerformance(ctx: HandlerContext): HandlerResult {
  const campaign = partnerCampaign(ctx);
  const size = pageSize(ctx, { min: 1, max: 50, fallback: 20, required: false });
  const keyOf = (p: CampaignProductModel): CursorKey => [p.product.id];
  const fp = queryFingerprint(ctx, campaign.id, []);
  const page = keysetPage(ctx, sortByKey(campaign.products, keyOf), keyOf, size, fp);
  const records = page.items.map((p) => productPerformanceRecord(p, ctx.nowMs));
  const next = page.nextPageToken === undefined || page.nextPageToken === '' ? '0' : page.nextPageToken;
  return {
    data: {
      total_count: campaign.products.length,
      next_page_token: next,
      campaign_product_statistics: records,
    },
    records,
  };
}
