/**
 * `affiliate-etl worker [--concurrency N]` (README.md#commands): the long-running process. Registers the job
 * schedulers, processes sync and backfill jobs, serves Prometheus metrics plus /healthz and /readyz
 * on METRICS_PORT, and stops gracefully on SIGTERM/SIGINT (active jobs get SHUTDOWN_TIMEOUT_MS to
 * finish, then are aborted at their last committed page).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.ts';
import { integerIn } from '../../options.ts';

const HELP = `
Run as many workers as you like, on as many machines, against the same DATABASE_URL and REDIS_URL:
each (connection, stream) is synced by one worker at a time, and all of them share the API rate budget.
Set METRICS_PORT to serve /metrics (Prometheus), /healthz and /readyz.

Examples:
  $ affiliate-etl worker
  $ METRICS_PORT=9464 affiliate-etl worker --concurrency 8`;

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description(
      'long-running worker: job schedulers, sync and backfill jobs, metrics; stops on SIGTERM/SIGINT',
    )
    .option(
      '--concurrency <n>',
      'jobs processed at once by this worker (default: WORKER_CONCURRENCY, 4)',
      integerIn(1, 256),
    )
    .addHelpText('after', HELP)
    .action(async (opts: { concurrency?: number }) => {
      const { runWorkerCommand } = await import('./run.ts');
      await runWorkerCommand(ctx, {
        concurrency: opts.concurrency ?? null,
        signals: process,
        lastResort: true,
      });
    });
}
