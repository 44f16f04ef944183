/**
 * `affiliate-etl quickstart` end to end as a child process (the real executable), with the services
 * from the environment (an empty database and a Redis db of its own) and the tiny sandbox: every
 * step runs, nothing lands on stderr, the exit code is 0. The in-process test of what it loads and
 * of a second run is test/integration/quickstart/quickstart.test.ts.
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
    // Its own Redis db: the CLI knows no key prefix, and its BullMQ queue must not meet other files'.
    const redis = new URL(process.env.REDIS_URL ?? '');
    redis.pathname = '/14';
    const r = await runCliProcess(
      ['quickstart', '--scale', 'tiny'],
      { DATABASE_URL: db.url, REDIS_URL: redis.toString(), CI: 'true', LOG_LEVEL: 'warn' },
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
      expect(lines).toContain(`[quickstart ${i + 1}/7] ${title} ...`);
    }
    expect(r.stdout).toMatch(/\[quickstart 1\/7\] done in .*: postgres from env, redis from env/);
    expect(r.stdout).toMatch(/\[quickstart 3\/7\] done in .*: \d+ applied/);
    expect(r.stdout).toMatch(
      /\[quickstart 4\/7\] done in .*: http:\/\/127\.0\.0\.1:\d+, scale tiny, \d+ test accounts, a new world/,
    );
    expect(r.stdout).toMatch(/\[quickstart 6\/7\] done in .*: (\d+) of \1 syncs succeeded/);
    expect(r.stdout).toContain('Quick start complete in');

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
