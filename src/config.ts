/**
 * The program's configuration: the environment (and `.env` when present) parsed and validated ONCE
 * into a typed, frozen object (CONTRIBUTING.md#validate-at-the-boundaries). Variable names are the operator contract of
 * README.md#configuration; the tunables below them steer the sync engine (docs/architecture.md#windowed-streams).
 *
 * Commands ask only for what they need (`require`): `sandbox` needs nothing, `migrate` a database,
 * the worker everything. Every problem is collected and reported at once in a `ConfigError`, so an
 * operator fixes the environment in one round trip instead of one variable per attempt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { REDACTED } from './core/secrets.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a command may demand beyond the always-valid defaults. */
export type Requirement = 'database' | 'redis' | 'encryption' | 'tiktokApp';

export interface Config {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  tiktok: {
    apiBaseUrl: string;
    authBaseUrl: string;
    appKey: string | undefined;
    appSecret: string | undefined;
  };
  encryption: {
    /** ETL_ENCRYPTION_KEY as given (base64 or hex), checked to decode to exactly 32 bytes. */
    key: string | undefined;
    /** ETL_ENCRYPTION_KEY_PREVIOUS: still accepted for decryption while keys rotate. */
    previousKey: string | undefined;
  };
  logLevel: LogLevel;
  metricsPort: number | undefined;
  /** Requests/s per (app, shop) budget; docs/tiktok-api.md#rate-limits documents 50 QPS per API per (app, shop). */
  rateLimitPerSecond: number;
  orders: {
    windowDays: number;
    overlapMinutes: number;
    safetyLagMinutes: number;
    maturityDays: number;
    /** Lower bound of a first sync; null = the API's earliest (docs/tiktok-api.md#seller-orders default). */
    startDate: Date | null;
    /** page_size of the order searches, 1..100 (docs/tiktok-api.md#seller-orders). */
    pageSize: number;
    /** Re-scan tiers by age (ascending maxAgeDays): open days younger than that are re-read every everyMs. */
    rescanTiers: { maxAgeDays: number; everyMs: number }[];
    /** Deep re-scan of every day (settled or past the horizon): period, null = off. */
    deepRescanEveryMs: number | null;
    deepRescanDays: number;
    deepRescanDaysPerRun: number;
  };
  backfill: {
    /** Windows in flight per backfill run at most, all shops together. */
    maxWindows: number;
  };
  worker: {
    concurrency: number;
    shutdownTimeoutMs: number;
  };
  queue: {
    /** Redis key prefix of the BullMQ queue; hash-tagged by default so a Cluster keeps it in one slot. */
    prefix: string;
    /** Redis Cluster seed nodes (`host:port`); null: the single server at REDIS_URL. */
    clusterNodes: string[] | null;
  };
}

/** The config type narrowed by what a command required: required values are no longer optional. */
export type ConfigFor<R extends Requirement> = Readonly<Config> &
  ('database' extends R ? { readonly databaseUrl: string } : unknown) &
  ('redis' extends R ? { readonly redisUrl: string } : unknown) &
  ('encryption' extends R
    ? { readonly encryption: Config['encryption'] & { readonly key: string } }
    : unknown) &
  ('tiktokApp' extends R
    ? { readonly tiktok: Config['tiktok'] & { readonly appKey: string; readonly appSecret: string } }
    : unknown);

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these in the environment or in a .env file (see .env.example).',
    );
  }
}

/**
 * Decodes a 32-byte key written as 64 hex characters or as base64 (standard or url-safe).
 * Hex is tried first because 64 hex characters are also valid base64 (of 48 bytes).
 */
export function decodeEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  return bytes.length === 32 ? bytes : null;
}

const KEY_HINT = 'generate one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const intIn = (min: number, max: number, fallback: number) =>
  z.preprocess(blankToUndefined, int(min, max).default(fallback));
const urlWith = (protocols: readonly string[], example: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((v) => protocols.includes(safeProtocol(v)), {
        error: `must be a ${protocols.join(' or ')} URL, e.g. ${example}`,
      })
      .optional(),
  );
const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, `15m`, `1h`, `7d` -> ms, or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)([mhd])?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] === undefined) return n === 0 ? 0 : null;
  return n * (DURATION_UNITS[m[2]] as number);
}

/**
 * `2d=0,14d=1h,90d=6h`: open days whose youngest order is younger than 2 days are re-read at every
 * run, younger than 14 days hourly, older ones every 6 hours. Returns the tiers or a problem.
 */
export function parseRescanTiers(text: string): { maxAgeDays: number; everyMs: number }[] | string {
  const tiers: { maxAgeDays: number; everyMs: number }[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)d\s*=\s*(\S+)\s*$/.exec(part);
    const everyMs = m ? parseDuration(m[2] as string) : null;
    if (!m || everyMs === null)
      return `"${part.trim()}" is not <age>d=<period>, e.g. 14d=1h (period 0, or a number with m, h or d)`;
    const maxAgeDays = Number(m[1]);
    const prev = tiers.at(-1);
    if (maxAgeDays < 1) return `the age of "${part.trim()}" must be at least 1 day`;
    if (prev && maxAgeDays <= prev.maxAgeDays)
      return 'the tiers must be in increasing age, e.g. 2d=0,14d=1h,90d=6h';
    tiers.push({ maxAgeDays, everyMs });
  }
  return tiers;
}

const rescanTiers = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('2d=0,14d=1h,90d=6h')
    .transform((v, ctx) => {
      const tiers = parseRescanTiers(v);
      if (typeof tiers === 'string') {
        ctx.addIssue({ code: 'custom', message: tiers });
        return z.NEVER;
      }
      return tiers;
    }),
);

/** A duration (`6h`, `7d`) or `off`; null = off. */
const durationOrOff = (fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((v, ctx) => {
        if (v.trim().toLowerCase() === 'off') return null;
        const ms = parseDuration(v);
        if (ms === null || ms === 0) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration such as 1d or 7d, or off' });
          return z.NEVER;
        }
        return ms;
      }),
  );

const encryptionKey = z.preprocess(
  blankToUndefined,
  z
    .string()
    .refine((v) => decodeEncryptionKey(v) !== null, {
      error: `must be 32 bytes written as base64 (44 characters) or hex (64 characters); ${KEY_HINT}`,
    })
    .optional(),
);

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol.replace(/:$/, '');
  } catch {
    return '';
  }
}

const EnvSchema = z.object({
  DATABASE_URL: urlWith(['postgres', 'postgresql'], 'postgres://user:password@localhost:5432/affiliate'),
  REDIS_URL: urlWith(['redis', 'rediss'], 'redis://localhost:6379'),
  TIKTOK_API_BASE_URL: urlWith(['http', 'https'], 'https://open-api.tiktokglobalshop.com'),
  TIKTOK_AUTH_BASE_URL: urlWith(['http', 'https'], 'https://auth.tiktok-shops.com'),
  TIKTOK_APP_KEY: optionalText,
  TIKTOK_APP_SECRET: optionalText,
  ETL_ENCRYPTION_KEY: encryptionKey,
  ETL_ENCRYPTION_KEY_PREVIOUS: encryptionKey,
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  METRICS_PORT: z.preprocess(blankToUndefined, int(1, 65_535).optional()),
  RATE_LIMIT_PER_SECOND: intIn(1, 10_000, 50),
  // docs/tiktok-api.md#largest-create-time-range: the maximum create-time range per request is undocumented; 7 days stays far
  // below the 3 months third parties report, and small windows make resumable checkpoints cheap.
  ORDERS_WINDOW_DAYS: intIn(1, 90, 7),
  ORDERS_OVERLAP_MINUTES: intIn(0, 24 * 60, 10),
  // docs/architecture.md#windowed-streams: the safety lag is a few minutes and at most 5, so recent orders arrive promptly.
  ORDERS_SAFETY_LAG_MINUTES: intIn(0, 5, 2),
  ORDERS_MATURITY_DAYS: intIn(1, 3650, 90),
  ORDERS_START_DATE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, {
        error: 'must be an ISO date such as 2024-01-01 (UTC) or 2024-01-01T00:00:00Z',
      })
      .refine((v) => !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)), {
        error: 'is not a real calendar date',
      })
      .optional(),
  ),
  // docs/tiktok-api.md#seller-orders: page_size 1..100. Smaller pages mean more requests for the same rows: only worth it
  // where a large page is slow to serve or to commit (each page is one transaction).
  ORDERS_PAGE_SIZE: intIn(1, 100, 100),
  // The re-scan policy by age (docs/operations.md "Steady state"): the defaults follow the settlement
  // timeline (delivery within a week, settlement over the following weeks).
  ORDERS_RESCAN_TIERS: rescanTiers,
  ORDERS_DEEP_RESCAN_EVERY: durationOrOff('7d'),
  ORDERS_DEEP_RESCAN_DAYS: intIn(1, 3650, 180),
  ORDERS_DEEP_RESCAN_DAYS_PER_RUN: intIn(1, 3650, 7),
  // Two pages per window in memory; enough to fill 4 shops' budgets at ~200 ms API latency.
  BACKFILL_MAX_WINDOWS: intIn(1, 1024, 48),
  WORKER_CONCURRENCY: intIn(1, 256, 4),
  // BullMQ runs its scripts over several keys of a queue: on a Redis Cluster they must share a slot,
  // which a `{...}` hash tag in the prefix guarantees. A plain server ignores the braces.
  QUEUE_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^[^:\s]+$/, { error: 'must be one word without ":" or spaces, e.g. {affiliate-etl}' })
      .default('{affiliate-etl}'),
  ),
  REDIS_CLUSTER_NODES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v, ctx) => {
        const nodes = v
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
        const bad = nodes.find((n) => !/^[A-Za-z0-9_.-]+:\d{1,5}$/.test(n));
        if (nodes.length === 0 || bad !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `must list host:port pairs separated by commas, e.g. 10.0.0.1:6379,10.0.0.2:6379${bad ? ` ("${bad}" is not host:port)` : ''}`,
          });
          return z.NEVER;
        }
        return nodes;
      })
      .optional(),
  ),
  SHUTDOWN_TIMEOUT_MS: intIn(0, 600_000, 30_000),
});

const REQUIREMENT_PROBLEMS: Record<Requirement, (c: Config) => string[]> = {
  database: (c) =>
    c.databaseUrl
      ? []
      : ['DATABASE_URL is not set: give a Postgres URL, e.g. postgres://user:pass@host:5432/db'],
  redis: (c) => (c.redisUrl ? [] : ['REDIS_URL is not set: give a Redis URL, e.g. redis://localhost:6379']),
  encryption: (c) =>
    c.encryption.key ? [] : [`ETL_ENCRYPTION_KEY is not set: it encrypts tokens at rest; ${KEY_HINT}`],
  tiktokApp: (c) => [
    ...(c.tiktok.appKey ? [] : ['TIKTOK_APP_KEY is not set: the app key from TikTok Shop Partner Center']),
    ...(c.tiktok.appSecret
      ? []
      : ['TIKTOK_APP_SECRET is not set: the app secret from TikTok Shop Partner Center']),
  ],
};

/**
 * Validates `env` once. Throws `ConfigError` listing every problem (never the offending secret
 * values). The returned object is deeply frozen and prints with its secrets redacted.
 */
export function loadConfig<const R extends Requirement = never>(
  env: Env,
  options: { require?: readonly R[] } = {},
): ConfigFor<R> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // One problem per variable: the first check that failed says what to fix.
    const byVariable = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(env)');
      if (!byVariable.has(name)) byVariable.set(name, `${name} ${issue.message}`);
    }
    const problems = [...byVariable.values()];
    throw new ConfigError([...problems, ...requirementProblems(lenientConfig(env), options.require)]);
  }
  const config = toConfig(parsed.data);
  const problems = requirementProblems(config, options.require);
  if (problems.length > 0) throw new ConfigError(problems);
  return freezeRedacted(config) as ConfigFor<R>;
}

function requirementProblems(config: Config, required: readonly Requirement[] = []): string[] {
  return [...new Set(required)].flatMap((r) => REQUIREMENT_PROBLEMS[r](config));
}

/** Presence-only view of the env so missing required values are listed next to malformed ones. */
function lenientConfig(env: Env): Config {
  const present = (k: string) => (blankToUndefined(env[k]) === undefined ? undefined : 'set');
  return {
    ...toConfig(EnvSchema.parse({})),
    databaseUrl: present('DATABASE_URL'),
    redisUrl: present('REDIS_URL'),
    tiktok: {
      apiBaseUrl: '',
      authBaseUrl: '',
      appKey: present('TIKTOK_APP_KEY'),
      appSecret: present('TIKTOK_APP_SECRET'),
    },
    encryption: { key: present('ETL_ENCRYPTION_KEY'), previousKey: undefined },
  };
}

function toConfig(e: z.infer<typeof EnvSchema>): Config {
  const start = e.ORDERS_START_DATE;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    tiktok: {
      apiBaseUrl: stripSlash(e.TIKTOK_API_BASE_URL ?? 'https://open-api.tiktokglobalshop.com'),
      authBaseUrl: stripSlash(e.TIKTOK_AUTH_BASE_URL ?? 'https://auth.tiktok-shops.com'),
      appKey: e.TIKTOK_APP_KEY,
      appSecret: e.TIKTOK_APP_SECRET,
    },
    encryption: { key: e.ETL_ENCRYPTION_KEY?.trim(), previousKey: e.ETL_ENCRYPTION_KEY_PREVIOUS?.trim() },
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    rateLimitPerSecond: e.RATE_LIMIT_PER_SECOND,
    orders: {
      windowDays: e.ORDERS_WINDOW_DAYS,
      overlapMinutes: e.ORDERS_OVERLAP_MINUTES,
      safetyLagMinutes: e.ORDERS_SAFETY_LAG_MINUTES,
      maturityDays: e.ORDERS_MATURITY_DAYS,
      startDate: start ? new Date(start.length === 10 ? `${start}T00:00:00Z` : start) : null,
      pageSize: e.ORDERS_PAGE_SIZE,
      rescanTiers: e.ORDERS_RESCAN_TIERS,
      deepRescanEveryMs: e.ORDERS_DEEP_RESCAN_EVERY,
      deepRescanDays: e.ORDERS_DEEP_RESCAN_DAYS,
      deepRescanDaysPerRun: e.ORDERS_DEEP_RESCAN_DAYS_PER_RUN,
    },
    backfill: { maxWindows: e.BACKFILL_MAX_WINDOWS },
    worker: { concurrency: e.WORKER_CONCURRENCY, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    queue: { prefix: e.QUEUE_PREFIX, clusterNodes: e.REDIS_CLUSTER_NODES ?? null },
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A copy of the config fit for printing: secret values replaced, URL passwords masked. */
export function redactConfig(config: Readonly<Config>): Record<string, unknown> {
  const mask = (v: string | undefined) => (v === undefined ? undefined : REDACTED);
  return {
    ...config,
    databaseUrl: maskUrlPassword(config.databaseUrl),
    redisUrl: maskUrlPassword(config.redisUrl),
    tiktok: { ...config.tiktok, appSecret: mask(config.tiktok.appSecret) },
    encryption: { key: mask(config.encryption.key), previousKey: mask(config.encryption.previousKey) },
  };
}

export function maskUrlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.password) u.password = 'REDACTED';
    return u.toString();
  } catch {
    return REDACTED;
  }
}

function freezeRedacted(config: Config): Config {
  Object.defineProperties(config, {
    toJSON: { value: () => redactConfig(config), enumerable: false },
    [inspect.custom]: { value: () => redactConfig(config), enumerable: false },
  });
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The process environment merged over `.env` in `dir` (when present): real environment variables
 * win, as dotenv does by default. Called only at the edges (CLI, worker entry).
 */
export function readEnv(processEnv: Env, dir: string = process.cwd()): Env {
  const file = join(dir, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...processEnv };
}
