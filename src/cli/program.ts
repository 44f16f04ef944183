/**
 * The command tree of README.md#commands. Each command lives in its own module and registers itself here;
 * names and flags are an operator contract (add freely, rename never).
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerMigrate } from './commands/migrate/command.ts';
import { registerSandbox } from './commands/sandbox/command.ts';
import type { CliContext } from './context.ts';
import { registerQuickstart } from './commands/quickstart/command.ts';
import { registerConnections } from './commands/connections/command.ts';
import { registerSync } from './commands/sync/command.ts';
import { registerBackfill } from './commands/backfill/command.ts';
import { registerSchedule } from './commands/schedule/command.ts';
import { registerStatus } from './commands/status/command.ts';
import { registerWorker } from './commands/worker/command.ts';
import { registerDoctor } from './commands/doctor/command.ts';
import { registerSearches } from './commands/searches/command.ts';

const EXAMPLES = `
Examples:
  $ affiliate-etl quickstart                 # everything on this machine, no setup
  $ affiliate-etl migrate                    # apply migrations to DATABASE_URL
  $ affiliate-etl sandbox --port 8787        # run the TikTok Shop API simulator

Configuration comes from the environment (or a .env file): DATABASE_URL, REDIS_URL,
ETL_ENCRYPTION_KEY, TIKTOK_APP_KEY, TIKTOK_APP_SECRET, LOG_LEVEL... (see README.md).
Exit codes: 0 success, 1 a sync or check failed, 2 bad usage or configuration.`;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('affiliate-etl')
    .description('Keeps a Postgres warehouse in step with the TikTok Shop Affiliate APIs.')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride()
    .addHelpText('after', EXAMPLES);
  registerMigrate(program, ctx);
  registerSandbox(program);
  registerQuickstart(program, ctx);
  registerConnections(program, ctx);
  registerSync(program, ctx);
  registerBackfill(program, ctx);
  registerSchedule(program, ctx);
  registerStatus(program, ctx);
  registerWorker(program, ctx);
  registerDoctor(program, ctx);
  registerSearches(program, ctx);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}
