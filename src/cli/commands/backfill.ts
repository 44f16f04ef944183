/**
 * `affiliate-etl backfill --stream S --from DATE --to DATE [--connection ID] [--dry-run]` (CLI.md):
 * backfills a create-time range of an order stream as windows recorded in the etl.sync_windows
 * ledger, with a progress bar. It never moves the incremental watermark, and it is resumable: the
 * job id is deterministic and done windows are skipped, so running it again continues.
 */
import type { Command } from 'commander';
import { STREAM_STRATEGY, STREAMS, type StreamName } from '../../core/streams.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT_USAGE } from '../exit-codes.ts';
import { collect, parseConnectionId, parseDate, parseStream } from '../ui/args.ts';

interface BackfillOptions {
  stream: StreamName;
  from: Date;
  to: Date;
  connection?: number[];
  dryRun?: boolean;
}

const WINDOWED = STREAMS.filter((s) => STREAM_STRATEGY[s] === 'windowed');

const HELP = `
Backfills apply to the order streams (${WINDOWED.join(', ')}): the API filters them
by create time only (api doc §4.1), so a range is split into windows of ORDERS_WINDOW_DAYS days.
Dates are UTC (YYYY-MM-DD = midnight UTC); --to is exclusive.

Examples:
  $ affiliate-etl backfill --stream seller_affiliate_orders --from 2024-01-01 --to 2024-07-01 --dry-run
  $ affiliate-etl backfill --stream seller_affiliate_orders --from 2024-01-01 --to 2024-07-01
  $ affiliate-etl backfill --stream creator_affiliate_orders --from 2025-01-01 --to 2025-02-01 --connection 3`;

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
      const input = {
        stream: opts.stream,
        from: opts.from,
        to: opts.to,
        connectionIds: opts.connection ?? [],
      };
      const [mod, { checkOutcome }] = await Promise.all([
        import('../ui/backfill-run.ts'),
        import('../ui/outcome.ts'),
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
