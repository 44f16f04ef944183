/**
 * One page, one transaction (docs/architecture.md#invariant-3-rows-and-checkpoint-commit-together, CONTRIBUTING.md#checkpoint-with-the-data): the page's rows
 * (every table, parents before children), its rejected records and its resume point (the stream
 * checkpoint, or a backfill window's ledger row) commit together or not at all. A crash anywhere
 * before COMMIT leaves the previous resume point, whose next page re-delivers the same rows; the
 * upserts are idempotent, so the resumed run ends exactly like an uninterrupted one (invariant 2). A value Postgres refuses does not fail the page: see
 * load-or-quarantine.ts.
 *
 * Snapshot tables (those with last_seen_run_id) always get every row stamped with the run, whatever
 * `commit.snapshot` says: the stamp is an observation that only a complete snapshot acts upon
 * (tombstone.ts), so stamping a page of a partial run is harmless. The stored rows of the page's
 * rejected records whose key is known are stamped too, values untouched (keep-seen.ts).
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { Db } from './db.ts';
import { saveCheckpoint } from './checkpoints.ts';
import { noteCreators } from './creators.ts';
import { keepRejectedSeen } from './keep-seen.ts';
import { isRowDataError, upsertRowByRow } from './load-or-quarantine.ts';
import { quarantine } from './quarantine.ts';
import { ORDER_LINES, removeMovedOrders, removeVanishedOrderLines, withOrderColumns } from './order-lines.ts';
import { ensureOrderPartitions, pageMonths } from './order-partitions.ts';
import { rawWithRefusedOrders, withRawApart } from './order-raw.ts';
import { inLoadOrder, tableByName } from './tables.ts';
import type { PageCommit, PageCommitResult } from './types.ts';
import { upsertRows } from './upsert.ts';
import { updateWindow, type WindowKey, type WindowPatch } from './windows-ledger.ts';

/** Export names of the orders' raw side tables: their rows are not counted apart from their orders'. */
const RAW_SIDE_TABLES = new Set(ORDER_LINES.flatMap((spec) => (spec.raw ? [spec.raw.child] : [])));

export interface CommitPageOptions {
  /** synced_at / first_seen_at of written rows (a virtual clock in tests); default: the transaction's now(). */
  syncedAt?: Date;
  /** Backfill / re-scan ledger progress written in the same transaction. */
  window?: { key: WindowKey; patch: WindowPatch };
  /**
   * Test hook: runs after the rows and rejects are written and before the checkpoint. Throwing here
   * proves that neither rows nor checkpoint survive (the transaction rolls back).
   */
  beforeCheckpoint?: () => Promise<void> | void;
}

export async function commitPage(
  db: Pick<Db, 'sql'>,
  commit: PageCommit,
  opts: CommitPageOptions = {},
): Promise<PageCommitResult> {
  if (commit.checkpoint === null && !opts.window)
    throw new Error('commitPage: a page needs a resume point, a checkpoint or a ledger window');
  // Order lines carry their order's create_time and status (order-lines.ts), the orders' raw goes to
  // its side table (order-raw.ts); their months' partitions are created before the page's
  // transaction (order-partitions.ts).
  const page = { ...commit, rows: withRawApart(withOrderColumns(commit.rows)) };
  // Resolve every table before opening the transaction: an unknown table name is a programming error.
  const names = inLoadOrder(Object.keys(page.rows).filter((name) => (page.rows[name]?.length ?? 0) > 0));
  const tables = names.map((name) => ({ name, table: tableByName(name) }));
  await ensureOrderPartitions(db.sql, pageMonths(page.rows));
  try {
    return await db.sql.begin((tx) => writePage(tx, page, tables, opts, false));
  } catch (error) {
    // A value Postgres refuses: replay the page row by row and quarantine what it refuses.
    if (!isRowDataError(error)) throw error;
    return db.sql.begin((tx) => writePage(tx, page, tables, opts, true));
  }
}

async function writePage(
  tx: postgres.TransactionSql,
  commit: PageCommit,
  tables: { name: string; table: PgTable }[],
  opts: CommitPageOptions,
  careful: boolean,
): Promise<PageCommitResult> {
  const result: PageCommitResult = { inserted: 0, updated: 0, unchanged: 0, rejected: 0, removed: 0 };
  const rejected = [...commit.rejected];
  const upsertOptions = {
    runId: commit.runId,
    ...(opts.syncedAt ? { syncedAt: opts.syncedAt } : {}),
    ...(commit.fullRefresh ? { fullRefresh: true } : {}),
  };
  // Before the upserts: an order whose create_time moved would otherwise be stored in both months.
  const moved = await removeMovedOrders(tx, commit.rows, { everyOrder: commit.fullRefresh === true });
  // Careful mode: the side rows of the orders Postgres refused are left out (order-raw.ts).
  let pageRows = commit.rows;
  for (const { name, table } of tables) {
    const rows = pageRows[name] ?? [];
    const counts = careful
      ? await upsertRowByRow(tx, table, rows, upsertOptions, name).then((r) => {
          rejected.push(...r.rejected);
          pageRows = rawWithRefusedOrders(pageRows, name, r.rejected);
          return r.counts;
        })
      : await upsertRows(tx, table, rows, upsertOptions);
    // An order's side row is the same record as its order row (order-raw.ts): counted once, as the order.
    if (RAW_SIDE_TABLES.has(name)) continue;
    result.inserted += counts.inserted;
    result.updated += counts.updated;
    result.unchanged += counts.unchanged;
  }
  // After the upserts (a key both loaded and rejected in one page is simply seen) and with the careful
  // mode's refusals included: a rejected record of a snapshot never lets its stored row be tombstoned.
  await keepRejectedSeen(tx, rejected, commit.runId);
  result.removed = moved + (await removeVanishedOrderLines(tx, commit.rows));
  // The creators dimension follows the rows just written (bookkeeping of the page, not counted).
  await noteCreators(tx, {
    rows: commit.rows,
    connectionId: commit.connectionId,
    runId: commit.runId,
    ...(opts.syncedAt ? { seenAt: opts.syncedAt } : {}),
  });
  result.rejected = await quarantine(
    tx,
    { connectionId: commit.connectionId, stream: commit.stream, runId: commit.runId },
    rejected,
  );
  if (opts.window) await updateWindow(tx, opts.window.key, opts.window.patch);
  await opts.beforeCheckpoint?.();
  if (commit.checkpoint) {
    await saveCheckpoint(
      tx,
      { connectionId: commit.connectionId, stream: commit.stream, scope: commit.scope },
      commit.checkpoint,
    );
  }
  return result;
}
