/**
 * `affiliate-etl sync [--stream S]... [--connection ID]...` (CLI.md): runs the selected syncs now
 * through the SAME BullMQ job path as the scheduled ones (STYLE.md guideline 13), processing them in
 * this process when no worker is running, waits, prints a summary table. Exit 0 only when every sync
 * succeeded, 1 otherwise, 2 for a bad selection.
 */
import type { Command } from 'commander';
import type { StreamName } from '../../core/streams.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT_FAILURE } from '../exit-codes.ts';
import { collect, parseConnectionId, parseStream } from '../ui/args.ts';

interface SyncOptions {
  stream?: StreamName[];
  connection?: number[];
  inline?: boolean;
}

const HELP = `
Runs every enabled stream of every active connection unless narrowed. When a worker is running
(affiliate-etl worker), it picks the jobs up; otherwise this process runs them itself.

Examples:
  $ affiliate-etl sync
  $ affiliate-etl sync --stream seller_affiliate_orders --stream open_collaborations
  $ affiliate-etl sync --connection 3
  $ affiliate-etl sync --stream partner_campaigns --connection 2 --connection 5

Exit codes: 0 every sync succeeded, 1 at least one failed, 2 bad arguments or configuration.`;

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
    .addHelpText('after', HELP)
    .action(async (opts: SyncOptions) => {
      const { runSyncCommand } = await import('../ui/sync-run.ts');
      const summaries = await runSyncCommand(ctx, {
        streams: opts.stream ?? [],
        connectionIds: opts.connection ?? [],
        forceInline: opts.inline ?? false,
      });
      const failed = summaries.filter((s) => s.status !== 'succeeded').length;
      if (failed > 0)
        throw new CliError(
          `${failed} sync${failed === 1 ? '' : 's'} did not succeed (see the table above).`,
          EXIT_FAILURE,
        );
    });
}
