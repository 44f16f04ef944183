/**
 * `affiliate-etl status` (README.md#commands): per connection x stream, the last run (when, how long, rows
 * inserted / updated / unchanged / rejected), freshness of the newest business timestamp, the next
 * scheduled run; problems first, each led by its cause (re-authorization needed since when and why,
 * failing since when with which error, not succeeded for how many intervals) with its remedy; and one
 * line on the schedule's backlog (due runs not started, how late the oldest, which streams).
 */
import type { Command } from 'commander';
import type { StreamName } from '../../../core/streams.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../../exit-codes.ts';
import { collect, parseConnectionId, parseStream } from '../../common/args.ts';

interface StatusOptions {
  connection?: number[];
  stream?: StreamName[];
  json?: boolean;
  check?: boolean;
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'per connection x stream: last run and its counts, data freshness, next run, errors with remedies',
    )
    .option('--connection <id>', 'only this connection (repeatable)', collect(parseConnectionId))
    .option('--stream <name>', 'only this stream (repeatable)', collect(parseStream))
    .option('--json', 'print JSON instead of a table')
    .option(
      '--check',
      'exit 1 when any stream is failing, blocked, needs re-authorization, or has not succeeded for more than 3 of its intervals (for monitoring)',
    )
    .addHelpText(
      'after',
      '\nNeeds DATABASE_URL; REDIS_URL (optional) adds the runs waiting in the queue to the backlog line.\n\nExamples:\n  $ affiliate-etl status\n  $ affiliate-etl status --connection 3 --stream seller_affiliate_orders\n  $ affiliate-etl status --check || alert "affiliate ETL needs attention"',
    )
    .action(async (opts: StatusOptions) => {
      const [{ withRuntime }, { gatherStatus }, { renderStatus, isFailing }] = await Promise.all([
        import('../../common/runtime.ts'),
        import('../../common/status-data.ts'),
        import('../../common/status-render.ts'),
      ]);
      const failing = await withRuntime(ctx, 'status', ['database'], async (rt) => {
        // An id that names no connection is a usage error (exit 2), as in sync, backfill and
        // schedule, not an empty report.
        const asked = opts.connection ?? [];
        if (asked.length > 0) {
          const found = await rt.db().sql<{ id: number }[]>`
            select id from etl.connections where id = any(${asked}::int[])`;
          const missing = asked.filter((id) => !found.some((r) => r.id === id));
          if (missing.length > 0)
            throw new CliError(
              `There is no connection ${missing.join(', ')}; see \`affiliate-etl connections list\`.`,
              EXIT_USAGE,
            );
        }
        const report = await gatherStatus(rt.db().sql, rt.config, {
          connectionIds: opts.connection ?? [],
          streams: opts.stream ?? [],
        });
        ctx.stdout.write(
          opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report, ctx.plain),
        );
        return report.rows.filter(isFailing).length;
      });
      if (opts.check && failing > 0) {
        throw new CliError(
          `${failing} stream${failing === 1 ? '' : 's'} need${failing === 1 ? 's' : ''} attention.`,
          EXIT_FAILURE,
        );
      }
    });
}
