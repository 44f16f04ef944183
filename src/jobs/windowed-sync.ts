/**
 * One owner of a windowed (orders) stream, ARCHITECTURE.md "Windowed streams":
 *   0. finish the window a killed run left in flight (its checkpointed page token);
 *   1. new windows [watermark − overlap, now − safety_lag) in chunks; the watermark moves only when a
 *      window's last page commits (with that page, in the same transaction);
 *   2. settlement re-scan of older windows still holding non-final lines, up to the maturity horizon.
 * Every page commits its rows together with the cursor {window, next page token}.
 */
import { pages, prefetchOne, RepeatedPageTokenError } from '../extract/paginate.ts';
import type { WindowedSource } from '../extract/types.ts';
import {
  planIncrementalWindows,
  planRescanWindows,
  type TimeWindow,
  windowLabel,
} from '../extract/windows.ts';
import type { Checkpoint } from '../load/types.ts';
import { FINAL_ORDER_STATUSES } from '../transform/index.ts';
import { NORMALIZERS } from './normalizers.ts';
import type { StreamOwner } from './owners.ts';
import { addCommit } from './run-summary.ts';
import type { WindowKey } from './store.ts';
import type { StreamRun } from './stream-run.ts';

/** How often one window may be restarted after a rejected/repeated page token before failing the run. */
export const MAX_WINDOW_RESTARTS = 3;

export type WindowPhase = 'incremental' | 'rescan' | 'backfill';

export interface WindowCursor {
  phase: WindowPhase;
  start: string | null;
  end: string;
  pageToken: string | null;
}

export function toCursor(phase: WindowPhase, w: TimeWindow, pageToken: string | null): WindowCursor {
  return { phase, start: w.start?.toISOString() ?? null, end: w.end.toISOString(), pageToken };
}

export function parseCursor(
  cursor: Record<string, unknown> | null,
): { phase: WindowPhase; window: TimeWindow; pageToken: string | null } | null {
  if (!cursor || typeof cursor['end'] !== 'string') return null;
  const phase = cursor['phase'];
  if (phase !== 'incremental' && phase !== 'rescan' && phase !== 'backfill') return null;
  const start = typeof cursor['start'] === 'string' ? new Date(cursor['start']) : null;
  const pageToken = typeof cursor['pageToken'] === 'string' ? cursor['pageToken'] : null;
  return { phase, window: { start, end: new Date(cursor['end']) }, pageToken };
}

/** True for the two page-token failures that restart a window (ARCHITECTURE.md, api doc §1.4). */
export function isPageTokenFailure(err: unknown): boolean {
  if (err instanceof RepeatedPageTokenError) return true;
  const e = err as { name?: unknown; pageTokenRejected?: unknown } | null;
  return e?.name === 'InvalidRequestError' && e.pageTokenRejected === true;
}

export interface WalkWindowInput {
  source: WindowedSource;
  owner: StreamOwner;
  /** sync_state scope the cursor is stored under (none is written for a ledgered window). */
  scope: string;
  phase: WindowPhase;
  window: TimeWindow;
  startToken: string | null;
  /** Watermark to write with the pages of this window (forward-only in the store). */
  watermark: Date | null;
  /** Whether the window's last page moves the watermark to window.end. */
  advancesWatermark: boolean;
  /** Backfill: the ledger row whose progress commits with each page (same transaction). */
  ledger?: WindowKey;
  /** Called after each committed page (progress reporting). */
  onPage?: (info: { rows: number; nextPageToken: string | null; last: boolean }) => void;
}

/** Walks one window to its end, committing page by page; restarts it on a page-token failure. */
export async function walkWindow(run: StreamRun, input: WalkWindowInput): Promise<void> {
  const { source, owner, window } = input;
  const normalize = NORMALIZERS[source.normalizer];
  const log = run.log.child({ window: windowLabel(window), phase: input.phase, owner: owner.ownerId });
  const ctx = { api: run.api, auth: owner.auth, ownerId: owner.ownerId, signal: run.signal };
  let startToken = input.startToken ?? undefined;
  for (let restarts = 0; ; restarts++) {
    try {
      // One page of look-ahead: the next request is in flight while this page commits.
      const walk = prefetchOne(
        pages((token) => source.fetchPage(ctx, window, token, run.config.ordersPageSize), {
          startToken,
          signal: run.signal,
        }),
      );
      for await (const page of walk) {
        const result = normalize(page.records, { ownerId: owner.ownerId, now: run.clock.now() });
        const checkpoint: Checkpoint = page.last
          ? { watermark: input.advancesWatermark ? window.end : input.watermark, cursor: null }
          : { watermark: input.watermark, cursor: { ...toCursor(input.phase, window, page.nextPageToken) } };
        const rows = Object.values(result.rows).reduce((n, r) => n + r.length, 0) + result.rejected.length;
        const nextPageToken = page.last ? null : page.nextPageToken;
        const committed = await run.store.commitPage(
          {
            runId: run.runId,
            connectionId: run.connectionId,
            stream: run.stream,
            scope: input.scope,
            rows: result.rows,
            rejected: result.rejected,
            // A ledgered (backfill) window resumes from its ledger row, written in the same
            // transaction; a sync_state checkpoint would only be overwritten by its sibling windows.
            checkpoint: input.ledger ? null : checkpoint,
            snapshot: false,
          },
          input.ledger
            ? {
                key: input.ledger,
                patch: {
                  addPages: 1,
                  addRows: rows,
                  lastPageToken: nextPageToken,
                  ...(page.last ? { status: 'done' as const } : {}),
                },
              }
            : undefined,
        );
        addCommit(run.counts, committed);
        input.onPage?.({ rows, nextPageToken, last: page.last });
      }
      run.windowsDone += 1;
      return;
    } catch (err) {
      if (!isPageTokenFailure(err) || restarts >= MAX_WINDOW_RESTARTS) throw err;
      // Upserts are idempotent, so re-reading the window from its first page loses nothing.
      log.warn(
        { event: 'window_restart', reason: (err as Error).name, restarts: restarts + 1 },
        'page token rejected or repeated: restarting the window',
      );
      startToken = undefined;
    }
  }
}

export async function syncWindowedOwner(
  run: StreamRun,
  source: WindowedSource,
  owner: StreamOwner,
): Promise<void> {
  const scope = owner.ownerId;
  const state = await run.store.loadCheckpoint(run.connectionId, run.stream, scope);
  let watermark = state.watermark;
  const policy = run.config.windows;
  const resumed = parseCursor(state.cursor);
  if (resumed && resumed.phase !== 'backfill') {
    run.log.info(
      { event: 'window_resume', window: windowLabel(resumed.window), owner: scope },
      'resuming an interrupted window',
    );
    await walkWindow(run, {
      source,
      owner,
      scope,
      phase: resumed.phase,
      window: resumed.window,
      startToken: resumed.pageToken,
      watermark,
      advancesWatermark: resumed.phase === 'incremental',
    });
    if (resumed.phase === 'incremental' && (watermark === null || resumed.window.end > watermark))
      watermark = resumed.window.end;
  }
  const previousWatermark = watermark;
  const now = run.clock.now();
  for (const window of planIncrementalWindows(watermark, now, policy)) {
    await walkWindow(run, {
      source,
      owner,
      scope,
      phase: 'incremental',
      window,
      startToken: null,
      watermark,
      advancesWatermark: true,
    });
    watermark = window.end;
  }
  // A first sync has just read everything: nothing older to re-scan.
  if (previousWatermark === null) return;
  const before = new Date(previousWatermark.getTime() - policy.overlapMs);
  const openDays = await run.store.openOrderDays({
    table: source.headerTable,
    ownerColumn: source.ownerColumn,
    ownerId: owner.ownerId,
    finalStatuses: FINAL_ORDER_STATUSES[source.finalStatuses],
    from: new Date(now.getTime() - policy.maturityDays * 86_400_000),
    before,
  });
  const rescans = planRescanWindows(openDays, {
    now,
    before,
    maturityDays: policy.maturityDays,
    windowDays: policy.windowDays,
  });
  for (const window of rescans) {
    await walkWindow(run, {
      source,
      owner,
      scope,
      phase: 'rescan',
      window,
      startToken: null,
      watermark,
      advancesWatermark: false,
    });
  }
}
