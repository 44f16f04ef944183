/**
 * The quick start's local services keep their data in <project>/.tmp/quickstart/, so a second run
 * finds what the first one wrote (Postgres tables and Redis keys), durably configured.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startServices } from '../../../src/services/index.ts';

const log = pino({ level: 'silent' });
const projectDir = mkdtempSync(join(tmpdir(), 'quickstart-project-'));
// A clone's directory is normally world-traversable; mkdtemp makes it 0700, which would send the
// (root-run) bootstrap to its /var/tmp fallback because the postgres user could not enter it.
chmodSync(projectDir, 0o755);
afterAll(() => rmSync(projectDir, { recursive: true, force: true }));

const start = () =>
  startServices({
    mode: 'quickstart',
    log,
    env: {},
    projectDir,
    probes: { dockerAvailable: async () => false },
  });

describe('quickstart-mode local services', () => {
  it('persist Postgres and Redis data across runs in .tmp/quickstart', async () => {
    const first = await start();
    try {
      expect(first.source).toEqual({ postgres: 'local', redis: 'local' });
      expect(new URL(first.databaseUrl).pathname).toBe('/affiliate_etl');
      const sql = postgres(first.databaseUrl, { max: 1, onnotice: () => {} });
      const [durable] = await sql<{ fsync: string }[]>`select current_setting('fsync') as fsync`;
      expect(durable!.fsync).toBe('on');
      await sql`create table kept (v text)`;
      await sql`insert into kept values ('from run 1')`;
      await sql.end();
      const redis = new Redis(first.redisUrl, { maxRetriesPerRequest: 1 });
      await redis.set('kept', 'from run 1');
      redis.disconnect();
    } finally {
      await first.stop();
    }
    expect(existsSync(join(projectDir, '.tmp', 'quickstart', 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(projectDir, '.tmp', 'quickstart', 'redis'))).toBe(true);

    const second = await start();
    try {
      const sql = postgres(second.databaseUrl, { max: 1, onnotice: () => {} });
      expect(await sql`select v from kept`).toEqual([{ v: 'from run 1' }]);
      await sql.end();
      const redis = new Redis(second.redisUrl, { maxRetriesPerRequest: 1 });
      expect(await redis.get('kept')).toBe('from run 1');
      redis.disconnect();
    } finally {
      await second.stop();
    }
  });
});
