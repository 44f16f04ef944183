/**
 * `affiliate-etl quickstart` end to end with the services from the environment (the harness's
 * Postgres database and Redis): every step runs, the summary says what is done and what is not
 * built yet, and the exit code is 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../helpers/cli.ts';
import { emptyDatabase } from '../../helpers/db.ts';
import type { TestDatabase } from '../../helpers/db.ts';

describe('affiliate-etl quickstart', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'quickstart-test-'));
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('brings everything up from env services, migrates, starts the sandbox and stops it all', async () => {
    db = await emptyDatabase('quickstart');
    const r = await runCliProcess(
      ['quickstart'],
      { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL, CI: 'true', LOG_LEVEL: 'warn' },
      { cwd, timeoutMs: 90_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const [i, title] of [
      'Start Postgres and Redis',
      'Prepare the configuration',
      'Apply the database migrations',
    ].entries()) {
      expect(lines).toContain(`[quickstart ${i + 1}/4] ${title} ...`);
    }
    expect(r.stdout).toMatch(/\[quickstart 1\/4\] done in .*: postgres from env, redis from env/);
    expect(r.stdout).toMatch(/\[quickstart 3\/4\] done in .*: \d+ applied/);
    expect(r.stdout).toMatch(
      /\[quickstart 4\/4\] done in .*: http:\/\/127\.0\.0\.1:\d+ with \d+ test accounts/,
    );
    expect(r.stdout).toContain('Not built yet');

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from information_schema.tables where table_schema = 'tiktok_affiliate'`;
      expect(row!.n).toBeGreaterThan(5);
    } finally {
      await sql.end();
    }
  });
});
