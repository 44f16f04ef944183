/**
 * open_collaborations: POST /affiliate_seller/202412/open_collaborations/search (docs/tiktok-api.md#open-collaboration-product-search), seller
 * token + shop_cipher, full snapshot of the shop's open collaborations with tombstones.
 */
import { searchOpenCollaborations } from '../tiktok/endpoints/seller.ts';
import { restartablePages } from './restart.ts';
import type { SnapshotBatch, SnapshotSource } from './types.ts';

export const openCollaborationsSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [{ table: 'openCollaborations', scopeColumn: 'shop_id' }],
  async *walk(ctx): AsyncGenerator<SnapshotBatch> {
    const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
      searchOpenCollaborations(ctx.api, ctx.auth, { pageSize: 100, pageToken }, { signal });
    for await (const page of restartablePages(fetch, {
      what: 'open collaborations',
      signal: ctx.signal,
      onRestart: ctx.onPageTokenRestart,
    })) {
      yield { normalizer: 'normalizeOpenCollaborations', scope: {}, records: page.records, apiCalls: 1 };
    }
  },
};
