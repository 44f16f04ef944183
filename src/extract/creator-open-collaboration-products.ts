/**
 * creator_open_collaboration_products: POST /affiliate_creator/202405/open_collaborations/products/search,
 * the marketplace as the creator sees it, one snapshot per saved search of the creator connection
 * (etl.saved_searches; the engine passes the default search when none is stored). Same criteria as
 * the seller's search; page_size is at most 20; no cipher.
 */
import { searchCreatorOpenCollaborationProducts } from '../tiktok/endpoints/creator.ts';
import { toClientCriteria } from './open-collaboration-products.ts';
import { restartablePages } from './restart.ts';
import type { SnapshotBatch, SnapshotSource } from './types.ts';

export const creatorOpenCollaborationProductsSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [
    { table: 'creatorOpenCollaborationProducts', scopeColumn: 'search_id', withinOwner: 'creator_id' },
  ],
  async *walk(ctx, params): AsyncGenerator<SnapshotBatch> {
    for (const search of params.savedSearches ?? []) {
      const criteria = toClientCriteria(search.criteria);
      const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
        searchCreatorOpenCollaborationProducts(
          ctx.api,
          ctx.auth,
          { pageSize: 20, pageToken, criteria },
          { signal },
        );
      for await (const page of restartablePages(fetch, {
        what: `open collaboration products of search ${search.searchId}`,
        signal: ctx.signal,
        onRestart: ctx.onPageTokenRestart,
      })) {
        yield {
          normalizer: 'normalizeCreatorOpenCollaborationProducts',
          scope: { search_id: search.searchId },
          records: page.records,
          apiCalls: 1,
        };
      }
    }
  },
};
