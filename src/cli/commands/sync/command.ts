/**
 * `affiliate-etl sync [--stream S]... [--connection ID]...` (README.md#commands): runs the selected syncs now
 * through the SAME BullMQ job path as the scheduled ones (CONTRIBUTING.md#the-cli-runs-the-job-path), processing them in
 * this process when no worker is running, waits, prints a summary table and what did not sync. Exit 0
 * only when every selected sync succeeded, 1 otherwise (a connection awaiting re-authorization
 * included), 2 for a bad selection or a wrong ETL_ENCRYPTION_KEY.
 */
import type { Command } from 'commander';
import type { StreamName } from '../../../core/streams.ts';
import type { CliContext } from '../../context.ts';
import { collect, parseConnectionId, parseStream } from '../../common/args.ts';

interface SyncOptions {
  stream?: StreamName[];
  connection?: number[];
  inline?: boolean;
  fullRefresh?: boolean;
}

const HELP = `
Runs every enabled stream of every active connection unless narrowed. When a worker is running
(affiliate-etl worker), it picks the jobs up; otherwise this process runs them itself.

Examples:
  $ affiliate-etl sync
  $ affiliate-etl sync --stream seller_affiliate_orders --stream open_collaborations
  $ affiliate-etl sync --connection 3
  $ affiliate-etl sync --stream partner_campaigns --connection 2 --connection 5
  $ affiliate-etl sync --stream seller_affiliate_orders --full-refresh

A sync re-sends to the database only rows whose digest (row_hash) changed. The warehouse is written
by the pipeline alone; after a row was changed by hand, --full-refresh compares every row read with
its stored row, whatever its digest, and overwrites what differs.

A connection that needs re-authorization is listed and counts as not synced; a connection or
schedule an operator disabled is listed and is not an error.

Exit codes: 0 every selected sync succeeded; 1 at least one failed or was blocked (its connection
needs re-authorization); 2 bad arguments or configuration (including an ETL_ENCRYPTION_KEY that is
not the key the connections were stored with).`;

export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('run the selected syncs now through the job queue, wait, and print a summary table')
    .option(
      '--stream <name>',
      'a stream to sync (repeatable); default: all of each connection',
      collect(parseStream),
    )
    .option(
      '--connection <id>',
      'a connection to sync (repeatable); default: all active ones',
      collect(parseConnectionId),
    )
    .option('--inline', 'process the jobs in this process even when a worker is running')
    .option('--full-refresh', 'ignore stored row digests: repair rows changed outside the pipeline')
    .addHelpText('after', HELP)
    .action(async (opts: SyncOptions) => {
      const [{ runSyncCommand }, { checkOutcome }] = await Promise.all([
        import('./run.ts'),
        import('../../common/outcome.ts'),
      ]);
      const result = await runSyncCommand(ctx, {
        streams: opts.stream ?? [],
        connectionIds: opts.connection ?? [],
        forceInline: opts.inline ?? false,
        fullRefresh: opts.fullRefresh ?? false,
      });
      checkOutcome(result.summaries, result.blocked, {
        one: 'selected sync',
        many: 'selected syncs',
        retry: 'Fix the cause shown, then run the same command again.',
      });
    });
}
