/**
 * The local path of the bootstrap for real: PostgreSQL and Redis from this machine's binaries on
 * free loopback ports, usable, tuned for tests, and gone after stop().
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startServices } from '../../../src/services/index.ts';

const log = pino({ level: 'silent' });

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('local services (no env, no Docker)', () => {
  it('starts Postgres and Redis on free loopback ports and stops them', async () => {
    const services = await startServices({
      mode: 'test',
      log,
      env: {},
      probes: { dockerAvailable: async () => false },
    });
    const pgPort = Number(new URL(services.databaseUrl).port);
    const redisPort = Number(new URL(services.redisUrl).port);
    try {
      expect(services.source).toEqual({ postgres: 'local', redis: 'local' });
      expect(new URL(services.databaseUrl).hostname).toBe('127.0.0.1');

      const sql = postgres(services.databaseUrl, { max: 1, onnotice: () => {} });
      const [settings] = await sql<{ fsync: string; sc: string; fpw: string; max: string; dir: string }[]>`
        select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sc,
               current_setting('full_page_writes') as fpw, current_setting('max_connections') as max,
               current_setting('data_directory') as dir`;
      await sql.end();
      expect(settings).toMatchObject({ fsync: 'off', sc: 'off', fpw: 'off', max: '200' });
      expect(existsSync(settings!.dir)).toBe(true);

      const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 1 });
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      redis.disconnect();

      await services.stop();
      expect(await portOpen(pgPort)).toBe(false);
      expect(await portOpen(redisPort)).toBe(false);
      expect(existsSync(settings!.dir)).toBe(false);
    } finally {
      await services.stop();
    }
  });
});
