/**
 * `affiliate-etl quickstart`: the README's one command. Brings up Postgres and Redis (env ->
 * Docker -> local, src/services), migrates, and starts the TikTok Shop API sandbox in-process.
 *
 * It is a list of steps over one state object, so the remaining steps of CLI.md ("add
 * connections", "sync every stream", summary and example queries) slot in as the sync engine
 * lands. Everything it starts is stopped at the end (or on Ctrl-C); the data stays in
 * .tmp/quickstart/, so the next run reuses it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFor } from '../config.ts';
import { loadConfig, maskUrlPassword } from '../config.ts';
import { runMigrations } from '../load/migrate.ts';
import type { Logger } from '../log.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { startServices } from '../services/index.ts';
import type { Services } from '../services/index.ts';
import type { CliContext } from './context.ts';
import { EXIT_FAILURE } from './exit-codes.ts';
import { commandLogger } from './context.ts';
import type { Step } from './steps.ts';
import { runSteps } from './steps.ts';

export interface QuickstartState {
  cli: CliContext;
  log: Logger;
  projectDir: string;
  services?: Services;
  config?: ConfigFor<'database' | 'redis' | 'encryption'>;
  sandbox?: Sandbox;
  /** Run in reverse order when the quick start ends, fails or is interrupted. */
  cleanups: (() => Promise<void>)[];
}

export const QUICKSTART_STEPS: readonly Step<QuickstartState>[] = [
  {
    title: 'Start Postgres and Redis',
    run: async (s) => {
      s.services = await startServices({
        mode: 'quickstart',
        log: s.log,
        env: s.cli.env,
        projectDir: s.projectDir,
      });
      s.cleanups.push(() => s.services!.stop());
      const { postgres, redis } = s.services.source;
      return `postgres from ${postgres}, redis from ${redis}`;
    },
  },
  {
    title: 'Prepare the configuration',
    run: async (s) => {
      const key = s.cli.env.ETL_ENCRYPTION_KEY?.trim() || quickstartKey(s.projectDir);
      s.config = loadConfig(
        {
          ...s.cli.env,
          DATABASE_URL: s.services!.databaseUrl,
          REDIS_URL: s.services!.redisUrl,
          ETL_ENCRYPTION_KEY: key,
        },
        { require: ['database', 'redis', 'encryption'] },
      );
      return s.cli.env.ETL_ENCRYPTION_KEY
        ? 'encryption key from ETL_ENCRYPTION_KEY'
        : 'encryption key in .tmp/quickstart/';
    },
  },
  {
    title: 'Apply the database migrations',
    run: async (s) => {
      const { applied } = await runMigrations(s.config!.databaseUrl, { log: s.log });
      return applied === 0 ? 'already up to date' : `${applied} applied`;
    },
  },
  {
    title: 'Start the TikTok Shop API sandbox (scale medium)',
    run: async (s) => {
      // Loaded on use: only the quick start and the `sandbox` command need the simulator.
      const { startSandbox } = await import('../sandbox/index.ts');
      s.sandbox = await startSandbox({ scale: 'medium' });
      s.cleanups.push(() => s.sandbox!.close());
      return `${s.sandbox.url} with ${s.sandbox.accounts.length} test accounts`;
    },
  },
];

/** The quick start's own 32-byte key, created once and reused so stored tokens stay readable. */
function quickstartKey(projectDir: string): string {
  const dir = join(projectDir, '.tmp', 'quickstart');
  const file = join(dir, 'encryption.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export function summary(s: QuickstartState, keepRunning: boolean): string {
  const lines = [
    '',
    'Quick start: done so far',
    `  Postgres  ${maskUrlPassword(s.config?.databaseUrl) ?? '-'}  (${s.services?.source.postgres ?? '-'})`,
    `  Redis     ${s.config?.redisUrl ?? '-'}  (${s.services?.source.redis ?? '-'})`,
    `  Sandbox   ${s.sandbox?.url ?? '-'}  (${s.sandbox?.accounts.map((a) => a.kind).join(', ') ?? '-'})`,
    '  Schema    migrated (tables in tiktok_affiliate and etl; see docs/data-dictionary.md)',
    '',
    'Not built yet: adding the sandbox accounts as connections and the full sync of every stream',
    '(the sync engine in src/jobs is in progress); the quick start will run them once it lands.',
    '',
    keepRunning
      ? 'Services keep running until you press Ctrl-C. Try: psql "<Postgres URL above>" -c "\\dt tiktok_affiliate.*"'
      : 'Everything started here is stopped now; the data stays in .tmp/quickstart/ for the next run.',
  ];
  return `${lines.join('\n')}\n`;
}

export async function runQuickstart(ctx: CliContext, opts: { keepRunning?: boolean }): Promise<void> {
  // Validated up front: a malformed variable stops the quick start before it starts anything.
  const base = loadConfig(ctx.env);
  const log = commandLogger(ctx, base.logLevel, 'quickstart');
  const state: QuickstartState = { cli: ctx, log, projectDir: ctx.cwd, cleanups: [] };
  // First Ctrl-C: finish the current step (so whatever it started is known and can be stopped),
  // then clean up. Second Ctrl-C: exit now; the services' exit hooks still stop their processes.
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT_FAILURE);
    stop.abort();
    if (!opts.keepRunning || state.cleanups.length === 0) {
      ctx.stderr.write('Stopping after the current step (Ctrl-C again to force)...\n');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runSteps(QUICKSTART_STEPS, state, {
      out: ctx.stdout,
      plain: ctx.plain,
      name: 'quickstart',
      signal: stop.signal,
    });
    ctx.stdout.write(summary(state, opts.keepRunning === true));
    if (opts.keepRunning && !stop.signal.aborted) {
      await new Promise<void>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
  } finally {
    for (const fn of state.cleanups.splice(0).reverse()) {
      await fn().catch((err: Error) => log.warn({ err }, 'quickstart: cleanup failed'));
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
