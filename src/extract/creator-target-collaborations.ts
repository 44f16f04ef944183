/**
 * creator_target_collaborations: POST /affiliate_creator/202405/target_collaborations/search, the
 * invitations the creator received, one search per shop: `shop_id` is required and the API offers
 * no list of the creator's shops, so the engine passes the shops its orders name (SnapshotParams
 * .creatorShops). No keyword: the search then lists the invitations in every state but DELETED (a
 * deleted one is found by its id only), so a deletion shows as a row the snapshot no longer sees.
 * Snapshot with tombstones per (creator, shop): a shop searched completely retires what it stopped
 * listing; a shop not searched this run (no longer named) keeps its rows as they were.
 */
import { searchCreatorTargetCollaborations } from '../tiktok/endpoints/creator.ts';
import { restartablePages } from './restart.ts';
import type { SnapshotBatch, SnapshotSource } from './types.ts';

export const creatorTargetCollaborationsSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [
    { table: 'creatorTargetCollaborations', scopeColumn: 'shop_id', withinOwner: 'creator_id' },
    { table: 'creatorTargetCollaborationProducts', scopeColumn: 'shop_id', withinOwner: 'creator_id' },
  ],
  async *walk(ctx, params): AsyncGenerator<SnapshotBatch> {
    for (const shopId of params.creatorShops ?? []) {
      const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
        searchCreatorTargetCollaborations(
          ctx.api,
          ctx.auth,
          { shopId, pageSize: 100, pageToken },
          { signal },
        );
      for await (const page of restartablePages(fetch, {
        what: `target collaborations of shop ${shopId}`,
        signal: ctx.signal,
        onRestart: ctx.onPageTokenRestart,
      })) {
        yield {
          normalizer: 'normalizeCreatorTargetCollaborations',
          scope: { shop_id: shopId },
          records: page.records,
          apiCalls: 1,
        };
      }
    }
  },
};
