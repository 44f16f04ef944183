/**
 * Quick reachability probes of Postgres and Redis, time-boxed: a CLI command checks them before it
 * builds the engine (whose Redis client retries forever by design, BullMQ's requirement) so a wrong
 * URL is a clear message in seconds, not a hang. `doctor` reports the same facts line by line.
 */
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { maskUrlPassword } from '../../config.ts';
import { CliError, EXIT_FAILURE } from '../exit-codes.ts';

export interface Reach {
  ok: boolean;
  /** What was found (version, policy) or what went wrong. */
  detail: string;
}

export async function reachPostgres(url: string, timeoutMs = 5_000): Promise<Reach> {
  const sql = postgres(url, {
    max: 1,
    connect_timeout: Math.ceil(timeoutMs / 1000),
    onnotice: () => {},
    connection: { application_name: 'affiliate-etl probe' },
  });
  try {
    const [row] = await withTimeout(
      sql<{ v: string }[]>`select current_setting('server_version') as v`,
      timeoutMs,
    );
    return { ok: true, detail: `PostgreSQL ${row?.v ?? '?'} at ${where(url)}` };
  } catch (err) {
    return { ok: false, detail: `cannot reach Postgres at ${where(url)}: ${reason(err)}` };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

export interface RedisReach extends Reach {
  /** `maxmemory-policy`, null when it could not be read (managed Redis may forbid CONFIG). */
  maxmemoryPolicy: string | null;
}

export async function reachRedis(url: string, timeoutMs = 3_000): Promise<RedisReach> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await withTimeout(redis.connect(), timeoutMs);
    const info = await withTimeout(redis.info('server'), timeoutMs);
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    let policy: string | null = null;
    try {
      const reply = (await withTimeout(redis.config('GET', 'maxmemory-policy'), timeoutMs)) as unknown;
      policy = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
    } catch {
      policy = null;
    }
    return { ok: true, detail: `Redis ${version} at ${where(url)}`, maxmemoryPolicy: policy };
  } catch (err) {
    return {
      ok: false,
      detail: `cannot reach Redis at ${where(url)}: ${reason(err)}`,
      maxmemoryPolicy: null,
    };
  } finally {
    redis.disconnect();
  }
}

/** host:port/db of a URL, without credentials. */
function where(url: string): string {
  try {
    const u = new URL(maskUrlPassword(url) ?? url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.message || err.name}${typeof code === 'string' && !err.message.includes(code) ? ` (${code})` : ''}`;
  }
  return String(err);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Every command that needs a service says the same thing when it cannot reach it: which host and
 * port, why, and what to check (exit 1).
 */
export async function requirePostgres(url: string): Promise<void> {
  const pg = await reachPostgres(url);
  if (!pg.ok)
    throw new CliError(
      `${pg.detail}\nCheck DATABASE_URL and that Postgres runs (affiliate-etl doctor).`,
      EXIT_FAILURE,
    );
}

/** What was found is returned (the worker reads its eviction policy: no second probe). */
export async function requireRedis(url: string): Promise<RedisReach> {
  const redis = await reachRedis(url);
  if (!redis.ok)
    throw new CliError(
      `${redis.detail}\nCheck DATABASE_URL / REDIS_URL and that the services run (affiliate-etl doctor).`,
      EXIT_FAILURE,
    );
  return redis;
}
