/**
 * The body of `affiliate-etl backfill`: the dry run reads the ledger and plans windows without
 * writing anything; the real run enqueues one backfill job per connection (deterministic ids, so
 * a second invocation continues the first) and shows window progress.
 */
import { STREAM_KIND, type StreamName } from '../../../core/streams.ts';
import { splitRange } from '../../../extract/windows.ts';
import type { ConnectionSummary } from '../../../load/connections.ts';
import { listConnections } from '../../../load/connections.ts';
import type { Sql } from '../../../load/db.ts';
import type { JobProgressEvent, RunSummary } from '../../../jobs/index.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_USAGE } from '../../exit-codes.ts';
import { renderNotSynced } from '../../common/not-synced.ts';
import { renderRunSummaries } from '../../common/run-summaries.ts';
import { withEngine } from '../../common/engine.ts';
import { formatInstant } from '../../common/format.ts';
import { createProgress } from '../../common/progress.ts';
import { takeoverMessage } from '../../common/outcome.ts';
import { withRuntime } from '../../common/runtime.ts';
import type { BlockedPair, DisabledItem } from '../../common/selection.ts';
import { renderTable } from '../../common/table.ts';

export interface BackfillCommandInput {
  stream: StreamName;
  from: Date;
  to: Date;
  connectionIds: number[];
  /** Re-read windows the ledger says are done (default: they are skipped, and said so). */
  force?: boolean;
}

interface Chosen<C> {
  chosen: C[];
  /** Of the stream's kind, selected, and blocked: the connection needs re-authorization (exit 1). */
  blocked: BlockedPair[];
  /** Disabled by an operator (listed, not an error). */
  disabled: DisabledItem[];
}

function chooseConnections<
  C extends {
    id: number;
    kind: ConnectionSummary['kind'];
    status: string;
    statusReason?: string | null;
    updatedAt?: Date | null;
  },
>(all: readonly C[], input: BackfillCommandInput): Chosen<C> {
  const kind = STREAM_KIND[input.stream];
  const blockedPair = (c: C): BlockedPair => ({
    connectionId: c.id,
    stream: input.stream,
    since: c.updatedAt ?? null,
    reason: c.statusReason ?? null,
  });
  if (input.connectionIds.length === 0) {
    const ofKind = all.filter((c) => c.kind === kind);
    const out: Chosen<C> = {
      chosen: ofKind.filter((c) => c.status === 'active'),
      blocked: ofKind.filter((c) => c.status !== 'active' && c.status !== 'disabled').map(blockedPair),
      disabled: ofKind
        .filter((c) => c.status === 'disabled')
        .map((c) => ({ connectionId: c.id, stream: null, reason: c.statusReason ?? null })),
    };
    if (out.chosen.length === 0 && out.blocked.length === 0)
      throw new CliError(
        `No active ${kind} connection feeds ${input.stream}; add one with \`affiliate-etl connections add ${kind} ...\`.`,
        EXIT_USAGE,
      );
    return out;
  }
  const out: Chosen<C> = { chosen: [], blocked: [], disabled: [] };
  for (const id of input.connectionIds) {
    const c = all.find((x) => x.id === id);
    if (!c)
      throw new CliError(`There is no connection ${id}; see \`affiliate-etl connections list\`.`, EXIT_USAGE);
    if (c.kind !== kind)
      throw new CliError(
        `Connection ${id} is a ${c.kind} connection; ${input.stream} needs a ${kind} one.`,
        EXIT_USAGE,
      );
    if (c.status === 'disabled')
      throw new CliError(
        `Connection ${id} is disabled; enable it first: affiliate-etl connections enable ${id}.`,
        EXIT_USAGE,
      );
    if (c.status === 'active') out.chosen.push(c);
    else out.blocked.push(blockedPair(c));
  }
  return out;
}

/** The owners whose ledger scopes a backfill covers (the engine keys windows by owner id). */
function ownerIds(c: ConnectionSummary): string[] {
  if (c.kind === 'seller') return c.shops.map((s) => s.id);
  return c.openId ? [c.openId] : [];
}

interface LedgerRow {
  connection_id: number;
  scope: string;
  window_start: Date;
  window_end: Date;
  status: string;
  pages: number;
  rows: number;
}

interface PlannedWindow {
  connectionId: number;
  owner: string;
  start: Date;
  end: Date;
  /** The ledger's status, or null when the window was never started. */
  ledger: LedgerRow | null;
}

/** Every window the backfill covers, per connection and owner, with what the ledger knows of it. */
async function planWindows(
  sql: Sql,
  chosen: readonly ConnectionSummary[],
  input: BackfillCommandInput,
  windowDays: number,
): Promise<PlannedWindow[]> {
  const windows = splitRange(input.from, input.to, windowDays);
  const ledger = await sql<LedgerRow[]>`
    select connection_id, scope, window_start, window_end, status, pages, rows from etl.sync_windows
    where stream = ${input.stream} and kind = 'backfill' and connection_id = any(${chosen.map((c) => c.id)}::int[])
      and window_start >= ${input.from} and window_end <= ${input.to}`;
  const key = (id: number, scope: string, s: Date, e: Date) => `${id}|${scope}|${s.getTime()}|${e.getTime()}`;
  const known = new Map(ledger.map((l) => [key(l.connection_id, l.scope, l.window_start, l.window_end), l]));
  const out: PlannedWindow[] = [];
  for (const c of chosen) {
    for (const owner of ownerIds(c)) {
      for (const w of windows) {
        const start = w.start as Date;
        out.push({
          connectionId: c.id,
          owner,
          start,
          end: w.end,
          ledger: known.get(key(c.id, owner, start, w.end)) ?? null,
        });
      }
    }
  }
  return out;
}

const isDone = (w: PlannedWindow) => w.ledger?.status === 'done';

export async function runBackfillDryRun(ctx: CliContext, input: BackfillCommandInput): Promise<void> {
  await withRuntime(ctx, 'backfill', ['database'], async (rt) => {
    const sql: Sql = rt.db().sql;
    const { chosen, blocked, disabled } = chooseConnections(await listConnections(sql), input);
    const planned = await planWindows(sql, chosen, input, rt.config.orders.windowDays);
    const rows = planned.map((w) => [
      w.connectionId,
      w.owner,
      formatInstant(w.start),
      formatInstant(w.end),
      w.ledger ? w.ledger.status : 'new',
      w.ledger?.pages ?? 0,
      w.ledger?.rows ?? 0,
    ]);
    const done = planned.filter(isDone).length;
    ctx.stdout.write(
      renderTable(['conn', 'owner', 'window start', 'window end', 'ledger', 'pages', 'rows'], rows, {
        plain: ctx.plain,
        numeric: [0, 5, 6],
      }),
    );
    const rerun = input.force ? done : 0;
    ctx.stdout.write(
      `Dry run: ${rows.length} window${rows.length === 1 ? '' : 's'} of up to ${rt.config.orders.windowDays} day(s) for ${input.stream}; ` +
        `${done} already done${input.force ? ' (re-read: --force)' : ''}, ${rows.length - done + rerun} would run. Nothing was written.\n`,
    );
    ctx.stdout.write(renderNotSynced(blocked, disabled));
  });
}

export interface BackfillCommandResult {
  summaries: RunSummary[];
  blocked: BlockedPair[];
  disabled: DisabledItem[];
}

export async function runBackfillCommand(
  ctx: CliContext,
  input: BackfillCommandInput,
): Promise<BackfillCommandResult> {
  return withEngine(ctx, 'backfill', async ({ deps, jobs }) => {
    const { chosen, blocked, disabled } = chooseConnections(await listConnections(deps.db.sql), input);
    if (chosen.length === 0) {
      ctx.stdout.write(renderNotSynced(blocked, disabled));
      return { summaries: [], blocked, disabled };
    }
    const planned = await planWindows(deps.db.sql, chosen, input, deps.config.windows.windowDays);
    const done = planned.filter(isDone).length;
    const range = `${input.stream} ${formatInstant(input.from)} .. ${formatInstant(input.to)}`;
    if (done > 0 && input.force) {
      await reopenDoneWindows(deps.db.sql, chosen, input);
      ctx.stderr.write(`Re-reading ${done} window${done === 1 ? '' : 's'} already done (--force).\n`);
    } else if (done > 0 && done === planned.length) {
      ctx.stdout.write(
        `All ${done} window${done === 1 ? '' : 's'} of ${range} are already done (etl.sync_windows): nothing was re-read. ` +
          'Run with --force to re-read them.\n',
      );
      ctx.stdout.write(renderNotSynced(blocked, disabled));
      return { summaries: [], blocked, disabled };
    } else if (done > 0) {
      ctx.stderr.write(
        `${done} of ${planned.length} windows are already done and are skipped (--force re-reads them).\n`,
      );
    }
    const processInline = !(await jobs.hasActiveWorkers(deps));
    ctx.stderr.write(
      `Backfilling ${input.stream} ${formatInstant(input.from)} .. ${formatInstant(input.to)} for connection(s) ${chosen.map((c) => c.id).join(', ')}` +
        `${processInline ? ' in this process (no worker is running)' : ' on the running worker(s)'}.\n`,
    );
    const progress = createProgress({
      out: ctx.stderr,
      plain: ctx.plain,
      label: `backfill ${input.stream}`,
      unit: 'windows',
    });
    const perJob = new Map<
      string,
      { windowsTotal: number; windowsDone: number; pages: number; rows: number }
    >();
    const onProgress = (e: JobProgressEvent) => {
      const p = e.progress as
        | Partial<{ windowsTotal: number; windowsDone: number; pages: number; rows: number }>
        | undefined;
      if (e.state === 'progress' && p && typeof p.windowsTotal === 'number') {
        perJob.set(e.jobId, {
          windowsTotal: p.windowsTotal,
          windowsDone: p.windowsDone ?? 0,
          pages: p.pages ?? 0,
          rows: p.rows ?? 0,
        });
      }
      const all = [...perJob.values()];
      const sum = (f: (x: (typeof all)[number]) => number) => all.reduce((n, x) => n + f(x), 0);
      if (all.length > 0) {
        progress.update(
          sum((x) => x.windowsDone),
          sum((x) => x.windowsTotal),
          `${sum((x) => x.pages)} pages, ${sum((x) => x.rows).toLocaleString('en-US')} rows`,
        );
      }
    };
    let summaries: RunSummary[];
    try {
      summaries = await jobs.enqueueAndWait(deps, {
        backfills: chosen.map((c) => ({
          connectionId: c.id,
          stream: input.stream,
          from: input.from,
          to: input.to,
        })),
        processInline,
        onProgress,
        onTakeover: (t) => {
          ctx.stderr.write(`\n${takeoverMessage(t, 'backfill')}\n`);
        },
      });
    } finally {
      progress.stop();
    }
    ctx.stdout.write(renderRunSummaries(summaries, ctx.plain));
    ctx.stdout.write(renderNotSynced(blocked, disabled));
    return { summaries, blocked, disabled };
  });
}

/** --force: the done windows of the range go back to pending, from their first page. */
async function reopenDoneWindows(
  sql: Sql,
  chosen: readonly ConnectionSummary[],
  input: BackfillCommandInput,
): Promise<void> {
  await sql`
    update etl.sync_windows set status = 'pending', last_page_token = null, pages = 0, rows = 0, updated_at = now()
    where stream = ${input.stream} and kind = 'backfill' and status = 'done'
      and connection_id = any(${chosen.map((c) => c.id)}::int[])
      and window_start >= ${input.from} and window_end <= ${input.to}`;
}
