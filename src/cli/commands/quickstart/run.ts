/**
 * `affiliate-etl quickstart`: the README's one command. Brings up Postgres and Redis (env ->
 * Docker -> local, src/services), migrates, starts the TikTok Shop API sandbox in-process, adds its
 * accounts as connections, runs a full sync of every stream through the BullMQ job path, and prints
 * what was loaded, the freshness view and example queries.
 *
 * It is a list of steps over one state object. Everything it starts is stopped at the end (or on
 * Ctrl-C) unless --keep-running; the data stays in .tmp/quickstart/, so the next run reuses it: the
 * same sandbox world (./quickstart/sandbox-world.ts), the same connections with fresh tokens, and a
 * sync that finds almost every row unchanged.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFor, Env } from '../../../config.ts';
import { loadConfig } from '../../../config.ts';
import type { RunSummary } from '../../../jobs/index.ts';
import { DecryptionError } from '../../../load/crypto.ts';
import { runMigrations } from '../../../load/migrate.ts';
import type { Logger } from '../../../log.ts';
import type { Sandbox, SandboxScale } from '../../../sandbox/types.ts';
import { startServices } from '../../../services/index.ts';
import type { Services } from '../../../services/index.ts';
import type { CliContext } from '../../context.ts';
import { commandLogger } from '../../context.ts';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../../exit-codes.ts';
import { addSandboxConnections, describeConnections, type QuickstartConnection } from './connections.ts';
import { renderFinalReport } from './final-report.ts';
import { recordRunningQuickstart, servicesOfRunningQuickstart } from './running.ts';
import { startQuickstartSandbox } from './sandbox-world.ts';
import { describeSyncs, syncEverything } from './sync.ts';
import type { Step } from '../../steps.ts';
import { formatDuration, runSteps } from '../../steps.ts';
import { withRuntime } from '../../common/runtime.ts';

export interface QuickstartOptions {
  keepRunning?: boolean;
  /** Sandbox dataset size; default medium (tests use tiny). */
  scale?: SandboxScale;
  /** Fault spec for the sandbox (`--sandbox-faults`, grammar in src/sandbox/faults.ts). */
  sandboxFaults?: string;
}

export interface QuickstartState {
  cli: CliContext;
  log: Logger;
  projectDir: string;
  /** <project>/.tmp/quickstart: the key, the sandbox world record, local service data. */
  dataDir: string;
  scale: SandboxScale;
  sandboxFaults?: string;
  services?: Services;
  config?: ConfigFor<'database' | 'redis' | 'encryption'>;
  sandbox?: Sandbox;
  connections?: QuickstartConnection[];
  summaries?: RunSummary[];
  /** The rows-per-table, freshness and example-query part of the final output. */
  loaded?: string;
  /** Postgres and Redis are those of another quick start running here (./quickstart/running.ts). */
  reusedServices?: boolean;
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
      if (!s.reusedServices && (postgres !== 'env' || redis !== 'env')) {
        const forget = recordRunningQuickstart(s.dataDir, {
          pid: process.pid,
          startedAt: new Date().toISOString(),
          databaseUrl: s.services.databaseUrl,
          redisUrl: s.services.redisUrl,
        });
        s.cleanups.push(async () => forget());
      }
      if (s.reusedServices) return 'postgres and redis of the quick start already running here';
      return `postgres from ${postgres}, redis from ${redis}`;
    },
  },
  {
    title: 'Prepare the configuration',
    run: async (s) => {
      const key = s.cli.env.ETL_ENCRYPTION_KEY?.trim() || quickstartKey(s.dataDir);
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
        : 'encryption key in .tmp/quickstart/encryption.key';
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
    title: 'Start the TikTok Shop API sandbox',
    run: async (s) => {
      const started = await startQuickstartSandbox({
        file: join(s.dataDir, 'sandbox.json'),
        scale: s.scale,
        ...(s.sandboxFaults ? { faults: s.sandboxFaults } : {}),
      });
      s.sandbox = started.sandbox;
      s.cleanups.push(() => s.sandbox!.close());
      const world = started.reused
        ? `the world of the first run, ${formatDuration(started.advancedMs)} later`
        : 'a new world';
      const faults = s.sandboxFaults ? `, faults "${s.sandboxFaults}"` : '';
      return `${s.sandbox.url}, scale ${s.scale}, ${s.sandbox.accounts.length} test accounts, ${world}${faults}`;
    },
  },
  {
    title: 'Add the sandbox accounts as connections',
    run: async (s) => {
      try {
        s.connections = await withRuntime(engineContext(s), 'quickstart', ['database', 'encryption'], (rt) =>
          addSandboxConnections(rt, s.sandbox!.app, () => s.sandbox!.accounts),
        );
      } catch (err) {
        throw explainKeyMismatch(err, Boolean(s.cli.env.ETL_ENCRYPTION_KEY?.trim()));
      }
      return describeConnections(s.connections);
    },
  },
  {
    title: 'Sync every stream of every connection (BullMQ jobs, processed here)',
    run: async (s) => {
      s.summaries = await syncEverything(engineContext(s), {
        connectionIds: s.connections!.map((c) => c.id),
        out: s.cli.stdout,
      });
      return describeSyncs(s.summaries);
    },
  },
  {
    title: 'Read back what was loaded',
    run: async (s) => {
      const { countRows, readFreshness, runExamples, renderCounts, renderFreshness, renderExamples } =
        await import('./report.ts');
      const plain = s.cli.plain;
      s.loaded = await withRuntime(engineContext(s), 'quickstart', ['database'], async (rt) => {
        const sql = rt.db().sql;
        const counts = await countRows(sql);
        const freshness = await readFreshness(sql);
        const examples = await runExamples(sql);
        const total = counts.reduce((n, c) => n + c.rows, 0);
        s.log.debug({ event: 'quickstart_loaded', rows: total }, 'quickstart: read back');
        return [
          `Rows per table (${total.toLocaleString('en-US')} in all)`,
          renderCounts(counts, plain),
          'Freshness per connection x stream (tiktok_affiliate.stream_freshness)',
          renderFreshness(freshness, new Date(), plain),
          'Example queries (first rows shown)',
          '',
          renderExamples(examples, plain),
        ].join('\n');
      });
      return undefined;
    },
  },
];

/**
 * The environment the engine and the connection commands see: the quick start's own services,
 * key and sandbox. Their info logs would bury the step lines, so they log warnings only unless
 * LOG_LEVEL asks otherwise.
 */
function engineContext(s: QuickstartState): CliContext {
  const env: Env = {
    ...s.cli.env,
    DATABASE_URL: s.config!.databaseUrl,
    REDIS_URL: s.config!.redisUrl,
    ETL_ENCRYPTION_KEY: s.config!.encryption.key,
    ...(s.sandbox
      ? {
          TIKTOK_API_BASE_URL: s.sandbox.url,
          TIKTOK_AUTH_BASE_URL: s.sandbox.authUrl,
          TIKTOK_APP_KEY: s.sandbox.app.appKey,
          TIKTOK_APP_SECRET: s.sandbox.app.appSecret,
        }
      : {}),
    LOG_LEVEL: s.cli.env.LOG_LEVEL ?? 'warn',
  };
  return { ...s.cli, env };
}

/**
 * The stored connections were encrypted with another key than this run's: typically a first run
 * with the generated key and a second with ETL_ENCRYPTION_KEY set (or the other way round).
 */
function explainKeyMismatch(err: unknown, keyFromEnv: boolean): unknown {
  if (!(err instanceof DecryptionError)) return err;
  const fix = keyFromEnv
    ? 'unset ETL_ENCRYPTION_KEY to use the key in .tmp/quickstart/encryption.key, or set ETL_ENCRYPTION_KEY_PREVIOUS to the key the connections were stored with'
    : 'set ETL_ENCRYPTION_KEY to the key the connections were stored with (the one of the earlier run)';
  return new CliError(
    `The quick start's connections in this database were stored with another encryption key (${err.message}). ` +
      `To go on, ${fix}; or start afresh: remove .tmp/quickstart/ (or, with DATABASE_URL, use an empty database).`,
    EXIT_USAGE,
  );
}

/** The quick start's own 32-byte key, created once (0600) and reused so stored tokens stay readable. */
function quickstartKey(dataDir: string): string {
  const file = join(dataDir, 'encryption.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function runQuickstart(ctx: CliContext, opts: QuickstartOptions = {}): Promise<void> {
  // Validated up front: a malformed variable stops the quick start before it starts anything.
  const base = loadConfig(ctx.env);
  const log = commandLogger(ctx, base.logLevel, 'quickstart');
  const dataDir = join(ctx.cwd, '.tmp', 'quickstart');
  const running = servicesOfRunningQuickstart(ctx.env, dataDir);
  if (running) ctx.stderr.write(`${running.note}\n`);
  const state: QuickstartState = {
    cli: running ? { ...ctx, env: running.env } : ctx,
    ...(running ? { reusedServices: true } : {}),
    log,
    projectDir: ctx.cwd,
    dataDir,
    scale: opts.scale ?? 'medium',
    ...(opts.sandboxFaults ? { sandboxFaults: opts.sandboxFaults } : {}),
    cleanups: [],
  };
  const keepRunning = opts.keepRunning === true;
  // First Ctrl-C: finish the current step (so whatever it started is known and can be stopped),
  // then clean up. Second Ctrl-C: exit now; the services' exit hooks still stop their processes.
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT_FAILURE);
    stop.abort();
    if (!keepRunning || state.loaded === undefined) {
      ctx.stderr.write('Stopping after the current step (Ctrl-C again to force)...\n');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  try {
    await runSteps(QUICKSTART_STEPS, state, {
      out: ctx.stdout,
      plain: ctx.plain,
      name: 'quickstart',
      signal: stop.signal,
    });
    ctx.stdout.write(renderFinalReport(state, { keepRunning, tookMs: Date.now() - started }));
    if (keepRunning && !stop.signal.aborted) {
      await new Promise<void>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    const failed = (state.summaries ?? []).filter((s) => s.status !== 'succeeded').length;
    if (failed > 0) {
      throw new CliError(
        `${failed} sync${failed === 1 ? '' : 's'} did not succeed (see "Problems" above). ` +
          'Fix what it says, then run `npm run quickstart` again: it resumes from what is stored.',
        EXIT_FAILURE,
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
