import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, decodeEncryptionKey, loadConfig, readEnv } from '../../../src/config.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEY_B64 = Buffer.alloc(32, 7).toString('base64');
const KEY_HEX = Buffer.alloc(32, 9).toString('hex');

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('needs nothing by default and applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.tiktok).toEqual({
      apiBaseUrl: 'https://open-api.tiktokglobalshop.com',
      authBaseUrl: 'https://auth.tiktok-shops.com',
      appKey: undefined,
      appSecret: undefined,
    });
    expect(c.logLevel).toBe('info');
    expect(c.metricsPort).toBeUndefined();
    expect(c.rateLimitPerSecond).toBe(50);
    expect(c.orders).toEqual({
      windowDays: 7,
      overlapMinutes: 10,
      safetyLagMinutes: 2,
      maturityDays: 90,
      startDate: null,
      pageSize: 100,
      rescanTiers: [
        { maxAgeDays: 2, everyMs: 0 },
        { maxAgeDays: 14, everyMs: 3_600_000 },
        { maxAgeDays: 90, everyMs: 21_600_000 },
      ],
      deepRescanEveryMs: 7 * 86_400_000,
      deepRescanDays: 180,
      deepRescanDaysPerRun: 7,
    });
    expect(c.backfill).toEqual({ maxWindows: 48 });
    expect(c.worker).toEqual({ concurrency: 4, shutdownTimeoutMs: 30_000 });
  });

  it('parses every variable', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/w',
      REDIS_URL: 'rediss://cache:6380',
      TIKTOK_API_BASE_URL: 'http://127.0.0.1:8787/',
      TIKTOK_AUTH_BASE_URL: 'http://127.0.0.1:8787',
      TIKTOK_APP_KEY: 'key1',
      TIKTOK_APP_SECRET: 'secret1',
      ETL_ENCRYPTION_KEY: KEY_B64,
      ETL_ENCRYPTION_KEY_PREVIOUS: KEY_HEX,
      LOG_LEVEL: 'DEBUG',
      METRICS_PORT: '9464',
      RATE_LIMIT_PER_SECOND: '20',
      ORDERS_WINDOW_DAYS: '3',
      ORDERS_OVERLAP_MINUTES: '0',
      ORDERS_SAFETY_LAG_MINUTES: '5',
      ORDERS_MATURITY_DAYS: '60',
      ORDERS_START_DATE: '2024-03-01',
      ORDERS_PAGE_SIZE: '20',
      BACKFILL_MAX_WINDOWS: '16',
      WORKER_CONCURRENCY: '8',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    expect(c.tiktok.apiBaseUrl).toBe('http://127.0.0.1:8787');
    expect(c.logLevel).toBe('debug');
    expect(c.metricsPort).toBe(9464);
    expect(c.orders).toEqual({
      windowDays: 3,
      overlapMinutes: 0,
      safetyLagMinutes: 5,
      maturityDays: 60,
      startDate: new Date('2024-03-01T00:00:00Z'),
      pageSize: 20,
      rescanTiers: [
        { maxAgeDays: 2, everyMs: 0 },
        { maxAgeDays: 14, everyMs: 3_600_000 },
        { maxAgeDays: 90, everyMs: 21_600_000 },
      ],
      deepRescanEveryMs: 7 * 86_400_000,
      deepRescanDays: 180,
      deepRescanDaysPerRun: 7,
    });
    expect(c.backfill.maxWindows).toBe(16);
    expect(c.encryption).toEqual({ key: KEY_B64, previousKey: KEY_HEX });
    expect(c.worker.concurrency).toBe(8);
  });

  it('treats blank values as unset', () => {
    const c = loadConfig({ DATABASE_URL: '  ', METRICS_PORT: '', LOG_LEVEL: '' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.metricsPort).toBeUndefined();
    expect(c.logLevel).toBe('info');
  });

  it('reports every bad value at once, each with how to fix it', () => {
    const problems = problemsOf(() =>
      loadConfig({
        DATABASE_URL: 'mysql://x/y',
        REDIS_URL: 'localhost:6379',
        TIKTOK_API_BASE_URL: 'ftp://x',
        ETL_ENCRYPTION_KEY: 'too-short',
        LOG_LEVEL: 'loud',
        METRICS_PORT: '70000',
        RATE_LIMIT_PER_SECOND: '1.5',
        ORDERS_SAFETY_LAG_MINUTES: '30',
        ORDERS_START_DATE: 'yesterday',
        ORDERS_PAGE_SIZE: '101',
        BACKFILL_MAX_WINDOWS: '0',
        WORKER_CONCURRENCY: 'many',
      }),
    );
    const byVar = (name: string) => problems.find((p) => p.startsWith(`${name} `));
    expect(problems).toHaveLength(12);
    expect(byVar('DATABASE_URL')).toContain('postgres://');
    expect(byVar('REDIS_URL')).toContain('redis://');
    expect(byVar('TIKTOK_API_BASE_URL')).toContain('http or https');
    expect(byVar('ETL_ENCRYPTION_KEY')).toContain('32 bytes');
    expect(byVar('ETL_ENCRYPTION_KEY')).toContain('randomBytes(32)');
    expect(byVar('LOG_LEVEL')).toContain('one of');
    expect(byVar('METRICS_PORT')).toContain('at most 65535');
    expect(byVar('RATE_LIMIT_PER_SECOND')).toContain('whole number');
    expect(byVar('ORDERS_SAFETY_LAG_MINUTES')).toContain('at most 5');
    expect(byVar('ORDERS_START_DATE')).toContain('ISO date');
    expect(byVar('ORDERS_PAGE_SIZE')).toContain('at most 100');
    expect(byVar('BACKFILL_MAX_WINDOWS')).toContain('at least 1');
    expect(byVar('WORKER_CONCURRENCY')).toContain('number');
  });

  it('lists missing required values together with malformed ones', () => {
    const problems = problemsOf(() =>
      loadConfig({ LOG_LEVEL: 'loud' }, { require: ['database', 'redis', 'encryption', 'tiktokApp'] }),
    );
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'LOG_LEVEL',
      'DATABASE_URL',
      'REDIS_URL',
      'ETL_ENCRYPTION_KEY',
      'TIKTOK_APP_KEY',
      'TIKTOK_APP_SECRET',
    ]);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('is not set');
  });

  it('does not call a malformed required value "not set"', () => {
    const problems = problemsOf(() => loadConfig({ DATABASE_URL: 'nope' }, { require: ['database'] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('must be a postgres');
  });

  it('never echoes a bad secret value in the error', () => {
    const secretish = 'Zm9vYmFyLXNlY3JldC12YWx1ZQ';
    const err = (() => {
      try {
        loadConfig({ ETL_ENCRYPTION_KEY: secretish });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).not.toContain(secretish);
    expect(err.message).toContain('.env.example');
  });

  it('returns a deeply frozen object whose printed forms hide the secrets', () => {
    const c = loadConfig(
      {
        DATABASE_URL: 'postgres://etl:hunter2pass@db/w',
        TIKTOK_APP_SECRET: 'appsecret-xyz',
        ETL_ENCRYPTION_KEY: KEY_B64,
      },
      { require: ['database', 'encryption'] },
    );
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.orders)).toBe(true);
    expect(() => {
      (c as { logLevel: string }).logLevel = 'debug';
    }).toThrow(TypeError);
    // the values stay usable in code...
    expect(c.databaseUrl).toContain('hunter2pass');
    expect(c.tiktok.appSecret).toBe('appsecret-xyz');
    // ...but never print
    for (const printed of [JSON.stringify(c), inspect(c, { depth: 5 }), `${JSON.stringify({ nested: c })}`]) {
      expect(printed).not.toContain('hunter2pass');
      expect(printed).not.toContain('appsecret-xyz');
      expect(printed).not.toContain(KEY_B64);
      expect(printed).toContain('[REDACTED]');
    }
  });
});

describe('decodeEncryptionKey', () => {
  it('accepts 32 bytes as hex, base64 and base64url, nothing else', () => {
    expect(decodeEncryptionKey(KEY_HEX)?.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(decodeEncryptionKey(KEY_B64)?.equals(Buffer.alloc(32, 7))).toBe(true);
    const url = Buffer.alloc(32, 251).toString('base64url');
    expect(decodeEncryptionKey(url)?.equals(Buffer.alloc(32, 251))).toBe(true);
    expect(decodeEncryptionKey(Buffer.alloc(16).toString('base64'))).toBeNull();
    expect(decodeEncryptionKey('not a key!')).toBeNull();
    expect(decodeEncryptionKey(KEY_HEX.slice(2))).toBeNull();
  });
});

describe('readEnv', () => {
  it('reads .env when present and lets the real environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readenv-'));
    try {
      writeFileSync(join(dir, '.env'), 'LOG_LEVEL=debug\nREDIS_URL=redis://from-file:6379\n');
      const env = readEnv({ REDIS_URL: 'redis://from-env:6379' }, dir);
      expect(env.LOG_LEVEL).toBe('debug');
      expect(env.REDIS_URL).toBe('redis://from-env:6379');
      expect(readEnv({ A: '1' }, join(dir, 'missing'))).toEqual({ A: '1' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
