/**
 * `affiliate-etl backfill --stream S --from DATE --to DATE [--connection ID] [--dry-run]` (README.md#commands):
 * backfills a create-time range of an order stream as windows recorded in the etl.sync_windows
 * ledger, with a progress bar. It never moves the incremental watermark, and it is resumable: the
 * job id is deterministic and done windows are skipped, so running it again continues.
 */
import type { Command } from 'commander';
import { STREAM_STRATEGY, STREAMS, type StreamName } from '../../../core/streams.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_USAGE } from '../../exit-codes.ts';
import { collect, parseConnectionId, parseDate, parseStream } from '../../common/args.ts';

interface BackfillOptions {
  stream: StreamName;
  from: Date;
  to: Date;
  connection?: number[];
  dryRun?: boolean;
  force?: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Orders that have not been created cannot be read yet: a range starting today or later is refused,
 * and a range ending in the future is clipped to today's midnight UTC (a day boundary, so the ledger's
 * windows stay the same all day; the scheduled syncs read what comes after). Returns the range to
 * run and, when clipped, the sentence that says so.
 */
export function clipRangeToPast(
  from: Date,
  to: Date,
  nowMs: number,
): { from: Date; to: Date; note: string | null } {
  const today = new Date(Math.floor(nowMs / DAY_MS) * DAY_MS);
  if (from.getTime() >= today.getTime()) {
    throw new CliError(
      `Nothing to backfill: --from ${from.toISOString()} is not before today (${today.toISOString().slice(0, 10)}, UTC). ` +
        'A backfill reads orders already created; the scheduled syncs (affiliate-etl sync) read the recent ones.',
      EXIT_USAGE,
    );
  }
  if (to.getTime() <= today.getTime()) return { from, to, note: null };
  return {
    from,
    to: today,
    note: `--to ${to.toISOString()} is in the future: the range is clipped to ${today.toISOString()} (today, midnight UTC); the scheduled syncs read what comes after.`,
  };
}

const WINDOWED = STREAMS.filter((s) => STREAM_STRATEGY[s] === 'windowed');

const HELP = `
Backfills apply to the order streams (${WINDOWED.join(', ')}): the API filters them
by create time only, so a range is split into windows of ORDERS_WINDOW_DAYS days.
Dates are UTC (YYYY-MM-DD = midnight UTC); --to is exclusive. A range ending in the future is
clipped to today (midnight UTC), said so; one starting today or later is refused.
Windows the ledger already records as done are skipped, and said so; --force re-reads them.

Examples:
  $ affiliate-etl backfill --stream seller_affiliate_orders --from 2024-01-01 --to 2024-07-01 --dry-run
  $ affiliate-etl backfill --stream seller_affiliate_orders --from 2024-01-01 --to 2024-07-01
  $ affiliate-etl backfill --stream creator_affiliate_orders --from 2025-01-01 --to 2025-02-01 --connection 3
  $ affiliate-etl backfill --stream seller_affiliate_orders --from 2024-01-01 --to 2024-02-01 --force`;

export function registerBackfill(program: Command, ctx: CliContext): void {
  program
    .command('backfill')
    .description('backfill a create-time range of an order stream as ledgered, resumable windows')
    .requiredOption('--stream <name>', `order stream: ${WINDOWED.join(' or ')}`, parseStream)
    .requiredOption(
      '--from <date>',
      'start of the range, inclusive (YYYY-MM-DD or ISO instant, UTC)',
      parseDate,
    )
    .requiredOption('--to <date>', 'end of the range, exclusive', parseDate)
    .option(
      '--connection <id>',
      'only this connection (repeatable); default: every active one of the kind',
      collect(parseConnectionId),
    )
    .option('--dry-run', 'print the windows it would run (and which are already done), run nothing')
    .option('--force', 're-read windows the ledger already records as done')
    .addHelpText('after', HELP)
    .action(async (opts: BackfillOptions) => {
      if (STREAM_STRATEGY[opts.stream] !== 'windowed') {
        throw new CliError(
          `backfill applies to the order streams only (${WINDOWED.join(', ')}); ${opts.stream} is a snapshot stream: every sync reads all of it (affiliate-etl sync --stream ${opts.stream}).`,
          EXIT_USAGE,
        );
      }
      if (opts.from.getTime() >= opts.to.getTime()) {
        throw new CliError(
          `--from (${opts.from.toISOString()}) must be before --to (${opts.to.toISOString()}).`,
          EXIT_USAGE,
        );
      }
      const range = clipRangeToPast(opts.from, opts.to, Date.now());
      if (range.note) ctx.stderr.write(`${range.note}\n`);
      const input = {
        stream: opts.stream,
        from: range.from,
        to: range.to,
        connectionIds: opts.connection ?? [],
        force: opts.force ?? false,
      };
      const [mod, { checkOutcome }] = await Promise.all([
        import('./run.ts'),
        import('../../common/outcome.ts'),
      ]);
      if (opts.dryRun) {
        await mod.runBackfillDryRun(ctx, input);
        return;
      }
      const result = await mod.runBackfillCommand(ctx, input);
      checkOutcome(result.summaries, result.blocked, {
        one: 'selected backfill',
        many: 'selected backfills',
        retry: 'Run the same command again to continue where it stopped.',
      });
    });
}
