/** `affiliate-etl quickstart`: registration only; the steps live in ../quickstart.ts (loaded on use). */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

export function registerQuickstart(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description('services up, migrate, sandbox (then connections and a full sync, as they land)')
    .option('--keep-running', 'keep Postgres, Redis and the sandbox up until Ctrl-C')
    .addHelpText(
      'after',
      '\nNeeds nothing: uses DATABASE_URL / REDIS_URL when set, else Docker, else local\n' +
        'PostgreSQL and Redis (installed with apt-get when missing and run as root).\n' +
        'Data stays in .tmp/quickstart/ (or the compose volumes), so a second run is fast.\n\n' +
        'Examples:\n  $ npm run quickstart\n  $ affiliate-etl quickstart --keep-running',
    )
    .action(async (opts: { keepRunning?: boolean }) => {
      const { runQuickstart } = await import('../quickstart.ts');
      await runQuickstart(ctx, opts);
    });
}
