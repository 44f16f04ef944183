/**
 * campaign_product_performance: per campaign of the owner (listed with the asset cipher), the
 * product statistics list GET /affiliate_partner/202501/campaigns/{c}/products/performance, which
 * takes no cipher. A snapshot with tombstones per partner; the normalizer also emits one daily
 * history row per product (snapshot_date = the sync's UTC day), like creator fulfillment.
 * The last page may answer next_page_token "0": the page iterator reads it as the end.
 */
import { listCampaignProductPerformance } from '../tiktok/endpoints/partner.ts';
import { campaignPages, idOf } from './partner-campaigns.ts';
import { skippedParentBatch } from './fan-out.ts';
import { restartablePages } from './restart.ts';
import type { SnapshotBatch, SnapshotSource } from './types.ts';

export const campaignProductPerformanceSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [{ table: 'campaignProductPerformance', scopeColumn: 'partner_id' }],
  async *walk(ctx): AsyncGenerator<SnapshotBatch> {
    for await (const campaigns of campaignPages(ctx)) {
      let listCalls = 1;
      for (const campaign of campaigns) {
        const campaignId = idOf(campaign);
        if (campaignId === null) {
          // Its products were not read: the owner's snapshot is incomplete this run.
          yield skippedParentBatch('normalizeCampaignProductPerformance', listCalls);
          listCalls = 0;
          continue;
        }
        const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
          listCampaignProductPerformance(
            ctx.api,
            ctx.auth,
            campaignId,
            { pageSize: 50, pageToken },
            { signal },
          );
        for await (const page of restartablePages(fetch, {
          what: `product performance of campaign ${campaignId}`,
          signal: ctx.signal,
          onRestart: ctx.onPageTokenRestart,
        })) {
          yield {
            normalizer: 'normalizeCampaignProductPerformance',
            scope: { campaign_id: campaignId },
            records: page.records,
            apiCalls: 1 + listCalls,
          };
          listCalls = 0;
        }
      }
    }
  },
};
