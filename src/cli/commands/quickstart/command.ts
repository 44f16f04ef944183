/** `affiliate-etl quickstart`: registration only; the steps live in ../quickstart.ts (loaded on use). */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SandboxScale } from '../../../sandbox/types.ts';
import type { CliContext } from '../../context.ts';

const SCALES = ['tiny', 'small', 'medium', 'large'] as const satisfies readonly SandboxScale[];

function parseScale(value: string): SandboxScale {
  if ((SCALES as readonly string[]).includes(value)) return value as SandboxScale;
  throw new InvalidArgumentError(`expected one of ${SCALES.join(', ')}`);
}

export function registerQuickstart(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description(
      'services up, migrate, sandbox, connections, full sync of every stream, summary and example queries',
    )
    .option('--keep-running', 'keep Postgres, Redis and the sandbox up until Ctrl-C')
    .addOption(
      new Option('--scale <scale>', 'sandbox dataset size: tiny, small, medium or large')
        .default('medium')
        .argParser(parseScale),
    )
    .option(
      '--sandbox-faults <spec>',
      'inject API faults into the sandbox, e.g. "5xx=0.05;429burst=0.02x10" (see `affiliate-etl sandbox --help`)',
    )
    .addHelpText(
      'after',
      '\nNeeds nothing: uses DATABASE_URL / REDIS_URL when set, else Docker, else local\n' +
        'PostgreSQL and Redis (installed with apt-get when missing and run as root).\n' +
        'Data stays in .tmp/quickstart/ (or the compose volumes), so a second run is fast: it reuses\n' +
        'the connections and the same sandbox world, and its sync finds almost every row unchanged.\n' +
        'Exit code 0 only when every sync succeeded.\n\n' +
        'Examples:\n  $ npm run quickstart\n  $ affiliate-etl quickstart --keep-running\n' +
        '  $ affiliate-etl quickstart --scale small',
    )
    .action(async (opts: { keepRunning?: boolean; scale: SandboxScale; sandboxFaults?: string }) => {
      const { runQuickstart } = await import('./run.ts');
      await runQuickstart(ctx, opts);
    });
}
