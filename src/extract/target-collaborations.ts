/**
 * target_collaborations: POST /affiliate_seller/202508/target_collaborations/search per status, then
 * GET /affiliate_seller/202508/target_collaborations/{id} per hit (docs/tiktok-api.md#target-collaborations, docs/tiktok-api.md#target-collaboration-detail), seller token +
 * shop_cipher. Snapshot with tombstones over collaborations, their products and their creators.
 *
 * collaboration_status is REQUIRED on the search (docs/tiktok-api.md#target-collaborations), and VALID = ONGOING + EXPIRING, so the
 * walk queries the four DISJOINT statuses only: each collaboration is seen once, under its own status.
 * page_size must be exactly 20, 50 or 100 (docs/tiktok-api.md#page-sizes).
 */
import { TikTokApiError } from '../tiktok/errors.ts';
import { getTargetCollaborationDetail, searchTargetCollaborations } from '../tiktok/endpoints/seller.ts';
import type { ApiRecord } from '../tiktok/types.ts';
import { mapLimit } from './fan-out.ts';
import { restartablePages } from './restart.ts';
import type { ExtractContext, SnapshotBatch, SnapshotSource } from './types.ts';

export const TARGET_STATUSES = ['ONGOING', 'EXPIRING', 'CANCELING', 'COMPLETED'] as const;
const DETAIL_CONCURRENCY = 4;

/**
 * A detail the seller may no longer read (50001700 "seller cannot access", a collaboration deleted
 * between search and detail: docs/tiktok-api.md#target-collaboration-detail) becomes `detail: null` for the normalizer; every other
 * failure (auth, transient after the client's retries) fails the walk so nothing is tombstoned.
 */
async function detailOrNull(ctx: ExtractContext, id: string): Promise<ApiRecord | null> {
  try {
    const { record } = await getTargetCollaborationDetail(ctx.api, ctx.auth, id, { signal: ctx.signal });
    return record;
  } catch (err) {
    if (err instanceof TikTokApiError && (err.kind === 'permission' || err.kind === 'invalid_request'))
      return null;
    throw err;
  }
}

function usableId(search: ApiRecord): string | null {
  const id = search['id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

export const targetCollaborationsSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [
    { table: 'targetCollaborations', scopeColumn: 'shop_id' },
    { table: 'targetCollaborationProducts', scopeColumn: 'shop_id' },
    { table: 'targetCollaborationCreators', scopeColumn: 'shop_id' },
  ],
  async *walk(ctx): AsyncGenerator<SnapshotBatch> {
    for (const status of TARGET_STATUSES) {
      const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
        searchTargetCollaborations(
          ctx.api,
          ctx.auth,
          { collaborationStatus: status, pageSize: 100, pageToken },
          { signal },
        );
      for await (const page of restartablePages(fetch, {
        what: `${status} target collaborations`,
        signal: ctx.signal,
        onRestart: ctx.onPageTokenRestart,
      })) {
        const items = await mapLimit(page.records, DETAIL_CONCURRENCY, async (search) => {
          const id = usableId(search);
          return {
            search,
            detail: id === null ? null : await detailOrNull(ctx, id),
            collaboration_status: status,
          };
        });
        // A hit without a usable id has no detail, so its products and creators were not read.
        const skippedParents = page.records.filter((search) => usableId(search) === null).length;
        yield {
          normalizer: 'normalizeTargetCollaborations',
          scope: { collaboration_status: status },
          records: items,
          apiCalls: 1 + items.length - skippedParents,
          ...(skippedParents > 0 ? { skippedParents } : {}),
        };
      }
    }
  },
};
