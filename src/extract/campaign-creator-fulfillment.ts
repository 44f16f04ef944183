/**
 * campaign_creator_fulfillment: GET /affiliate_partner/202508/campaigns/{c}/products/{p}/performance
 * (docs/tiktok-api.md#creator-fulfillment) for every (campaign, product) of the owner, partner token + category_asset_cipher.
 * The stream lists campaigns and products itself (docs/tiktok-api.md#partner-campaigns, docs/tiktok-api.md#campaign-products) rather than reading the warehouse, so it
 * stays correct when partner_campaigns has not run yet. Current state is a snapshot with tombstones;
 * the normalizer also emits one daily history row per creator (snapshot_date = the sync's UTC day).
 * page_size is at most 50 here (docs/tiktok-api.md#page-sizes).
 * A campaign or product without a readable id cannot be fanned out from: its creators are not read,
 * so the batch says so (skippedParents) and the owner's snapshot tombstones nothing this run.
 */
import { getCreatorFulfillmentStatus } from '../tiktok/endpoints/partner.ts';
import { campaignPages, campaignProductPages, idOf } from './partner-campaigns.ts';
import { skippedParentBatch } from './fan-out.ts';
import { restartablePages } from './restart.ts';
import type { SnapshotBatch, SnapshotSource } from './types.ts';

export const campaignCreatorFulfillmentSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [{ table: 'campaignCreatorFulfillment', scopeColumn: 'partner_id' }],
  async *walk(ctx): AsyncGenerator<SnapshotBatch> {
    for await (const campaigns of campaignPages(ctx)) {
      let listCalls = 1;
      for (const campaign of campaigns) {
        const campaignId = idOf(campaign);
        if (campaignId === null) {
          yield skippedParentBatch('normalizeCampaignCreatorFulfillment', listCalls);
          listCalls = 0;
          continue;
        }
        for await (const products of campaignProductPages(ctx, campaignId)) {
          listCalls += 1;
          for (const product of products) {
            const productId = idOf(product);
            if (productId === null) {
              yield skippedParentBatch('normalizeCampaignCreatorFulfillment', listCalls);
              listCalls = 0;
              continue;
            }
            const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
              getCreatorFulfillmentStatus(
                ctx.api,
                ctx.auth,
                campaignId,
                productId,
                { pageSize: 50, pageToken },
                { signal },
              );
            for await (const page of restartablePages(fetch, {
              what: `creator fulfillment of campaign ${campaignId} product ${productId}`,
              signal: ctx.signal,
              onRestart: ctx.onPageTokenRestart,
            })) {
              yield {
                normalizer: 'normalizeCampaignCreatorFulfillment',
                scope: { campaign_id: campaignId, product_id: productId },
                records: page.records,
                apiCalls: 1 + listCalls,
              };
              listCalls = 0;
            }
          }
        }
      }
    }
  },
};
