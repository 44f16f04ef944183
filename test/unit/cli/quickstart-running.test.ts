/**
 * Quick start beside another one, and what --keep-running prints: a running quick start's record
 * makes a second one use its Postgres and Redis (no second Redis on the same data directory); a stale
 * record (its process gone) or services named by the operator are left alone. With --keep-running
 * the final report prints the sandbox's test app and auth codes that `connections add` needs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type FinalReportInput,
  renderFinalReport,
} from '../../../src/cli/commands/quickstart/final-report.ts';
import {
  recordRunningQuickstart,
  servicesOfRunningQuickstart,
} from '../../../src/cli/commands/quickstart/running.ts';

const urls = {
  databaseUrl: 'postgres://postgres@127.0.0.1:41000/affiliate_etl',
  redisUrl: 'redis://127.0.0.1:41001',
};

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid as number;
}

describe('a second quick start beside a running one', () => {
  it("uses the running one's Postgres and Redis, and says so", () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-'));
    // The parent process (vitest's) is alive and is not this process.
    const forget = recordRunningQuickstart(dir, {
      pid: process.ppid,
      startedAt: '2026-01-01T00:00:00Z',
      ...urls,
    });
    const reuse = servicesOfRunningQuickstart({ LOG_LEVEL: 'warn' }, dir);
    expect(reuse?.env).toEqual({
      LOG_LEVEL: 'warn',
      DATABASE_URL: urls.databaseUrl,
      REDIS_URL: urls.redisUrl,
    });
    expect(reuse?.note).toContain(`already running here (pid ${process.ppid}`);
    expect(reuse?.note).toContain('instead of starting a second Redis');
    // Services the operator named win.
    expect(servicesOfRunningQuickstart({ REDIS_URL: 'redis://elsewhere:6379' }, dir)).toBeNull();
    forget();
    expect(existsSync(join(dir, 'running.json'))).toBe(false);
    expect(servicesOfRunningQuickstart({}, dir)).toBeNull();
  });

  it('ignores a stale record (its process is gone) and an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-'));
    recordRunningQuickstart(dir, { pid: deadPid(), startedAt: 'x', ...urls });
    expect(servicesOfRunningQuickstart({}, dir)).toBeNull();
    writeFileSync(join(dir, 'running.json'), '{not json');
    expect(servicesOfRunningQuickstart({}, dir)).toBeNull();
  });

  it('a record removes itself only while it is still its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-'));
    const forgetOld = recordRunningQuickstart(dir, { pid: 111, startedAt: 'x', ...urls });
    recordRunningQuickstart(dir, { pid: process.ppid, startedAt: 'y', ...urls });
    forgetOld();
    expect(existsSync(join(dir, 'running.json'))).toBe(true);
  });
});

describe('--keep-running prints the sandbox credentials', () => {
  const input: FinalReportInput = {
    cli: { plain: true, env: {} },
    services: { source: { postgres: 'env', redis: 'env' } },
    reusedServices: true,
    config: urls,
    sandbox: {
      url: 'http://127.0.0.1:41002',
      authUrl: 'http://127.0.0.1:41002',
      app: { appKey: 'a1b2c3', appSecret: 'sandbox-secret-0123456789', serviceId: '7000123' },
      accounts: [
        { kind: 'seller', openId: 'seller-1', authCode: 'ROW_sellercode' },
        { kind: 'creator', openId: 'creator-1', authCode: 'ROW_creatorcode' },
      ],
      redirectUrl: 'http://localhost:8000/',
    },
    summaries: [],
  };

  it("prints the app, service id and auth codes, and the reused services' URLs whole", () => {
    const text = renderFinalReport(input, { keepRunning: true, tookMs: 1_000 });
    expect(text).toContain(
      'export TIKTOK_APP_KEY="a1b2c3" TIKTOK_APP_SECRET="sandbox-secret-0123456789" TIKTOK_SERVICE_ID="7000123"',
    );
    expect(text).toMatch(/seller +open_id seller-1 {2}auth code ROW_sellercode/);
    expect(text).toMatch(/creator +open_id creator-1 {2}auth code ROW_creatorcode/);
    expect(text).toContain('connections authorize seller');
    expect(text).toContain(`export DATABASE_URL="${urls.databaseUrl}" REDIS_URL="${urls.redisUrl}"`);
  });

  it('prints none of them when the quick start stops at the end', () => {
    const text = renderFinalReport(input, { keepRunning: false, tookMs: 1_000 });
    expect(text).not.toContain('sandbox-secret-0123456789');
    expect(text).not.toContain('ROW_sellercode');
  });
});
