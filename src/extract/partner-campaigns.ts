/**
 * partner_campaigns: GET /affiliate_partner/202405/campaigns, then per campaign its detail
 * (/campaigns/{id}) and its products (/campaigns/{id}/products) (docs/tiktok-api.md#partner-campaigns), partner token +
 * category_asset_cipher. Snapshot with tombstones over campaigns and campaign products.
 */
import {
  getPartnerCampaignDetail,
  listPartnerCampaignProducts,
  listPartnerCampaigns,
} from '../tiktok/endpoints/partner.ts';
import type { ApiRecord } from '../tiktok/types.ts';
import { mapLimit, skippedParentBatch } from './fan-out.ts';
import { restartablePages } from './restart.ts';
import type { ExtractContext, SnapshotBatch, SnapshotSource } from './types.ts';

const DETAIL_CONCURRENCY = 4;

/** Walks every campaign of the owner, one list page at a time (shared with the fulfillment stream). */
export async function* campaignPages(ctx: ExtractContext): AsyncGenerator<ApiRecord[]> {
  const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
    listPartnerCampaigns(ctx.api, ctx.auth, { pageSize: 100, pageToken }, { signal });
  const walk = restartablePages(fetch, {
    what: 'campaigns',
    signal: ctx.signal,
    onRestart: ctx.onPageTokenRestart,
  });
  for await (const page of walk) yield page.records;
}

/** Walks the products of one campaign, one page at a time. */
export async function* campaignProductPages(
  ctx: ExtractContext,
  campaignId: string,
): AsyncGenerator<ApiRecord[]> {
  const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
    listPartnerCampaignProducts(ctx.api, ctx.auth, campaignId, { pageSize: 100, pageToken }, { signal });
  const walk = restartablePages(fetch, {
    what: `products of campaign ${campaignId}`,
    signal: ctx.signal,
    onRestart: ctx.onPageTokenRestart,
  });
  for await (const page of walk) yield page.records;
}

export function idOf(record: ApiRecord): string | null {
  const id = record['id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

export const partnerCampaignsSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [
    { table: 'partnerCampaigns', scopeColumn: 'partner_id' },
    { table: 'partnerCampaignProducts', scopeColumn: 'partner_id' },
  ],
  async *walk(ctx): AsyncGenerator<SnapshotBatch> {
    for await (const campaigns of campaignPages(ctx)) {
      const items = await mapLimit(campaigns, DETAIL_CONCURRENCY, async (summary) => {
        const id = idOf(summary);
        // A campaign without an id cannot have a detail; the normalizer rejects it with its reason.
        const detail =
          id === null
            ? null
            : (await getPartnerCampaignDetail(ctx.api, ctx.auth, id, { signal: ctx.signal })).record;
        return { summary, detail };
      });
      yield {
        normalizer: 'normalizePartnerCampaigns',
        scope: {},
        records: items,
        apiCalls: 1 + items.length,
      };
      for (const summary of campaigns) {
        const campaignId = idOf(summary);
        if (campaignId === null) {
          // Its products were not read: whatever the normalizer makes of the campaign record (it may
          // read a small numeric id as a key), its stored products must not be tombstoned this run.
          yield skippedParentBatch('normalizePartnerCampaignProducts', 0);
          continue;
        }
        for await (const products of campaignProductPages(ctx, campaignId)) {
          yield {
            normalizer: 'normalizePartnerCampaignProducts',
            scope: { campaign_id: campaignId },
            records: products,
            apiCalls: 1,
          };
        }
      }
    }
  },
};
