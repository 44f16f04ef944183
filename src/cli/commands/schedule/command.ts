/**
 * `affiliate-etl schedule list` / `schedule set --stream S --every DURATION|--cron EXPR
 * [--connection ID]` (README.md#commands), plus `schedule disable|enable|reset`. Rules live in etl.schedules;
 * every worker start upserts one BullMQ Job Scheduler per (connection, stream) from them, and a
 * change made here is applied to the schedulers at once when Redis is reachable.
 */
import type { Command } from 'commander';
import type { StreamName } from '../../../core/streams.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_USAGE } from '../../exit-codes.ts';
import { collect, parseConnectionId, parseCron, parseDuration, parseStream } from '../../common/args.ts';

interface PairOptions {
  stream?: StreamName[];
  connection?: number[];
}

interface SetOptions extends PairOptions {
  every?: number;
  cron?: string;
}

const SET_HELP = `
Durations: 30m, 1h, 6h, 1h30m, 1d (from 1m to 30d). Cron: 5 fields (minute hour day-of-month month
day-of-week, UTC), e.g. "*/15 * * * *" or "0 3 * * *"; aliases @hourly, @daily, @weekly.
Without --connection the rule applies to every connection whose kind feeds the stream.

Examples:
  $ affiliate-etl schedule set --stream seller_affiliate_orders --every 15m
  $ affiliate-etl schedule set --stream campaign_creator_fulfillment --cron "0 */6 * * *" --connection 2
  $ affiliate-etl schedule disable --stream open_collaboration_products --connection 1
  $ affiliate-etl schedule reset --stream seller_affiliate_orders`;

export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program
    .command('schedule')
    .description('show or change when each stream runs (per connection)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ affiliate-etl schedule list\n  $ affiliate-etl schedule set --stream seller_affiliate_orders --every 30m',
    );

  schedule
    .command('list')
    .description('every connection x stream: its rule (default or custom), enabled, next run')
    .option('--connection <id>', 'only this connection (repeatable)', collect(parseConnectionId))
    .action(async (opts: PairOptions) => {
      const { listScheduleCommand } = await import('./run.ts');
      await listScheduleCommand(ctx, opts.connection ?? []);
    });

  schedule
    .command('set')
    .description('set the interval or cron rule of a stream')
    .requiredOption('--stream <name>', 'the stream (repeatable)', collect(parseStream))
    .option('--every <duration>', 'run every DURATION, e.g. 15m, 1h, 6h', parseDuration)
    .option('--cron <expr>', 'run on a cron pattern (UTC), e.g. "0 */6 * * *"', parseCron)
    .option(
      '--connection <id>',
      "only this connection (repeatable); default: all of the stream's kind",
      collect(parseConnectionId),
    )
    .addHelpText('after', SET_HELP)
    .action(async (opts: SetOptions) => {
      if ((opts.every === undefined) === (opts.cron === undefined)) {
        throw new CliError('schedule set needs exactly one of --every DURATION or --cron EXPR.', EXIT_USAGE);
      }
      const { setScheduleCommand } = await import('./run.ts');
      await setScheduleCommand(ctx, pairFilter(opts), {
        kind: 'rule',
        everyMs: opts.every ?? null,
        cron: opts.cron ?? null,
      });
    });

  const toggle = (name: 'disable' | 'enable' | 'reset', description: string) =>
    schedule
      .command(name)
      .description(description)
      .requiredOption('--stream <name>', 'the stream (repeatable)', collect(parseStream))
      .option('--connection <id>', 'only this connection (repeatable)', collect(parseConnectionId))
      .action(async (opts: PairOptions) => {
        const { setScheduleCommand } = await import('./run.ts');
        await setScheduleCommand(ctx, pairFilter(opts), { kind: name });
      });
  toggle('disable', 'stop scheduling a stream (sync still runs it on demand)');
  toggle('enable', 'schedule a disabled stream again');
  toggle('reset', 'go back to the default rule of a stream');
}

function pairFilter(opts: PairOptions): { streams: StreamName[]; connectionIds: number[] } {
  return { streams: opts.stream ?? [], connectionIds: opts.connection ?? [] };
}
