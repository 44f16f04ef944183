/**
 * One owner of a snapshot stream, docs/architecture.md#snapshot-streams: walk everything, committing each
 * batch with last_seen_run_id = runId; ONLY when the walk completed, mark the rows of the scope that
 * this run did not see as removed. A walk that fails part-way tombstones nothing (its run fails and
 * the next one starts over: a snapshot is cheap next to orders, and resuming one mid-way would leave
 * rows seen by the previous run looking unseen). Rejected records count too: one whose key was
 * read keeps its stored rows seen (the loader stamps them, values untouched); one whose key could not
 * be read leaves its scope incomplete, and that scope tombstones nothing this run (logged, and named
 * in the final checkpoint cursor). So does a parent the walk skipped (a campaign or product without a
 * readable id: its children were never read), which the walk reports as `skippedParents`.
 */
import type { SnapshotParams, SnapshotSource } from '../extract/types.ts';
import { SnapshotCompleteness } from '../load/tombstone.ts';
import { NORMALIZERS } from './normalizers.ts';
import type { StreamOwner } from './owners.ts';
import { logPageTokenRestart } from './page-token-restarts.ts';
import { addCommit } from './run-summary.ts';
import type { StreamRun } from './stream-run.ts';

export async function syncSnapshotOwner(
  run: StreamRun,
  source: SnapshotSource,
  owner: StreamOwner,
  params: SnapshotParams,
): Promise<void> {
  const scope = owner.ownerId;
  const ctx = {
    api: run.api,
    auth: owner.auth,
    ownerId: owner.ownerId,
    signal: run.signal,
    // A rejected page token re-reads its list (src/extract/restart.ts); the walk goes on.
    onPageTokenRestart: logPageTokenRestart(run, owner.ownerId),
  };
  // Scope values seen per tombstoned column, for tombstones not scoped by the owner (search_id).
  const seenScopes = new Map<string, Set<string>>();
  const completeness = new SnapshotCompleteness();
  let batches = 0;
  for await (const batch of source.walk(ctx, params)) {
    const normalize = NORMALIZERS[batch.normalizer];
    const result = normalize(batch.records, {
      ownerId: owner.ownerId,
      now: run.clock.now(),
      scope: batch.scope,
    });
    batches += 1;
    completeness.observe(batch.scope, result.rejected, batch.skippedParents ?? 0);
    const committed = await run.store.commitPage({
      runId: run.runId,
      connectionId: run.connectionId,
      stream: run.stream,
      scope,
      rows: result.rows,
      rejected: result.rejected,
      // No resumable position (see above): the cursor only tells an operator how far the run got.
      checkpoint: { watermark: null, cursor: { snapshotRunId: run.runId, batches, complete: false } },
      snapshot: true,
      ...(run.fullRefresh ? { fullRefresh: true } : {}),
    });
    addCommit(run.counts, committed);
    for (const [column, value] of Object.entries(batch.scope)) {
      const set = seenScopes.get(column) ?? new Set<string>();
      set.add(value);
      seenScopes.set(column, set);
    }
    if (Object.keys(result.unknownEnums).length > 0) {
      run.log.info(
        { event: 'unknown_enum_values', values: result.unknownEnums },
        'enum values outside the documented set (kept as text)',
      );
    }
  }
  // The walk completed: everything of a complete scope that was not seen is gone upstream.
  const skipped: string[] = [];
  for (const target of source.tombstones) {
    const ownerScoped =
      target.withinOwner === undefined &&
      ['shop_id', 'partner_id', 'creator_id'].includes(target.scopeColumn);
    const values = ownerScoped ? [owner.ownerId] : [...(seenScopes.get(target.scopeColumn) ?? [])];
    // A scope column that is not the owner's is delimited by the owner too when the target says so.
    const within = target.withinOwner ? { [target.withinOwner]: owner.ownerId } : {};
    for (const value of values) {
      const unkeyed = completeness.unkeyedIn(target.scopeColumn, value, ownerScoped);
      const skippedParents = completeness.skippedParentsIn(target.scopeColumn, value, ownerScoped);
      if (unkeyed > 0 || skippedParents > 0) {
        skipped.push(`${target.table} ${target.scopeColumn}=${value}`);
        run.log.warn(
          {
            event: 'snapshot_incomplete',
            table: target.table,
            scope: { ...within, [target.scopeColumn]: value },
            unkeyed,
            ...(skippedParents > 0 ? { skippedParents } : {}),
          },
          skippedParents > 0
            ? 'parents without a readable id were not fanned out from: this scope tombstones nothing this run'
            : 'records without a readable key were rejected: this scope tombstones nothing this run',
        );
        continue;
      }
      run.counts.rowsRemoved += await run.store.tombstone(
        target.table,
        { ...within, [target.scopeColumn]: value },
        run.runId,
      );
    }
  }
  await run.store.commitPage({
    runId: run.runId,
    connectionId: run.connectionId,
    stream: run.stream,
    scope,
    rows: {},
    rejected: [],
    checkpoint: {
      watermark: null,
      cursor: {
        snapshotRunId: run.runId,
        batches,
        complete: true,
        ...completeness.totals(),
        ...(skipped.length > 0 ? { tombstonesSkipped: skipped } : {}),
      },
    },
    snapshot: true,
  });
}
