/**
 * What the operator commands open, built once per command at the CLI edge (CONTRIBUTING.md#dependencies-passed-in):
 * the validated config, a logger on stderr, a small Postgres pool, the credentials box, an API
 * client. `withRuntime` closes everything it opened, whatever happens, so a failed command never
 * leaves a pool keeping the process alive.
 */
import type { ConfigFor, Requirement } from '../../config.ts';
import { loadConfig } from '../../config.ts';
import { createSecretBox, type SecretBox } from '../../load/crypto.ts';
import type { Db } from '../../load/db.ts';
import type { Logger } from '../../log.ts';
import { type ApiClient, createApiClient } from '../../tiktok/client.ts';
import type { ApiCallObserver } from '../../tiktok/types.ts';
import type { CliContext } from '../context.ts';
import { commandLogger } from '../context.ts';
import { CliError, EXIT_USAGE } from '../exit-codes.ts';
import { requirePostgres } from './reach.ts';

export interface Runtime<R extends Requirement> {
  config: ConfigFor<R>;
  log: Logger;
  /** Opened on first use. */
  db(): Db;
  box(): SecretBox;
  api(observer?: ApiCallObserver): ApiClient;
  /** Runs at close, in reverse order. */
  onClose(fn: () => Promise<void> | void): void;
}

export interface RuntimeOptions<R extends Requirement = Requirement> {
  /**
   * Check that Postgres answers before running (default true when a database is required): a
   * wrong DATABASE_URL is then a message in seconds instead of a 30 s connect timeout. `doctor`
   * turns it off: it reports an unreachable database as one of its checks.
   */
  probeDatabase?: boolean;
  /**
   * A further check run alongside the Postgres probe and the loading of the database modules (the
   * engine probes Redis here): a worker's start waits for the slowest of them, not for their sum.
   * When both fail, the Postgres error is the one reported.
   */
  probe?: (config: ConfigFor<R>) => Promise<void>;
}

export async function withRuntime<const R extends Requirement, T>(
  ctx: CliContext,
  name: string,
  require: readonly R[],
  fn: (rt: Runtime<R>) => Promise<T>,
  opts: RuntimeOptions<R> = {},
): Promise<T> {
  const config = loadConfig(ctx.env, { require });
  const databaseUrl = config.databaseUrl;
  const probes = await Promise.allSettled([
    databaseUrl && (opts.probeDatabase ?? (require as readonly Requirement[]).includes('database'))
      ? requirePostgres(databaseUrl)
      : Promise.resolve(),
    opts.probe ? opts.probe(config) : Promise.resolve(),
    // Loaded on use: drizzle and the schema cost most of a second that `--help` should not pay.
    databaseUrl ? import('../../load/db.ts').then((m) => m.createDb) : Promise.resolve(null),
  ]);
  for (const p of probes) if (p.status === 'rejected') throw p.reason;
  const createDb = (probes[2] as PromiseFulfilledResult<typeof import('../../load/db.ts').createDb | null>)
    .value;
  const log = commandLogger(ctx, config.logLevel, name);
  const closers: (() => Promise<void> | void)[] = [];
  let db: Db | null = null;
  let box: SecretBox | null = null;
  const rt: Runtime<R> = {
    config,
    log,
    db() {
      if (!config.databaseUrl || !createDb) throw new Error('DATABASE_URL is required for this command');
      if (!db) {
        const opened = createDb(config.databaseUrl, {
          max: 4,
          log,
          applicationName: `affiliate-etl ${name}`,
        });
        db = opened;
        closers.push(() => opened.close());
      }
      return db;
    },
    box() {
      if (!config.encryption.key) throw new Error('ETL_ENCRYPTION_KEY is required for this command');
      box ??= createSecretBox({
        key: config.encryption.key,
        previousKeys: config.encryption.previousKey ? [config.encryption.previousKey] : [],
      });
      return box;
    },
    api(observer) {
      const client = createApiClient({
        apiBaseUrl: config.tiktok.apiBaseUrl,
        authBaseUrl: config.tiktok.authBaseUrl,
        log,
        // Interactive commands: a few quick retries, then say what is wrong instead of waiting minutes.
        retry: { retries: 2, minTimeoutMs: 300, maxTimeoutMs: 3_000 },
        timeoutMs: 20_000,
        maxThrottleWaitMs: 30_000,
        ...(observer ? { observer } : {}),
      });
      closers.push(() => client.close());
      return client;
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
  try {
    return await fn(rt);
  } catch (err) {
    throw explainSchemaError(err);
  } finally {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        log.debug({ event: 'close_failed', err }, 'closing a resource failed');
      }
    }
  }
}

/** Postgres "undefined table / schema" (42P01, 3F000): the database was never migrated. */
function explainSchemaError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '42P01' || code === '3F000') {
    return new CliError(
      `The database has no ETL schema yet (${(err as Error).message}): run \`affiliate-etl migrate\` first.`,
      EXIT_USAGE,
    );
  }
  return err;
}
