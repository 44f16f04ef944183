import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { startServices } from '../../../src/services/index.ts';
import type { RunningService, ServiceProbes } from '../../../src/services/index.ts';

const log = pino({ level: 'silent' });

function running(url: string, stops: string[]): RunningService {
  return { url, where: url, stop: async () => void stops.push(url) };
}

/** Probes of a machine with nothing at all, every call recorded. */
function bareMachine(
  overrides: Partial<ServiceProbes> = {},
): ServiceProbes & { calls: string[]; stops: string[] } {
  const calls: string[] = [];
  const stops: string[] = [];
  return {
    calls,
    stops,
    dockerAvailable: vi.fn(async () => {
      calls.push('docker?');
      return false;
    }),
    findPostgresBin: vi.fn(() => {
      calls.push('pg?');
      return null;
    }),
    findRedisServer: vi.fn((_afterInstall?: boolean): string | null => {
      calls.push('redis?');
      return null;
    }),
    cannotInstallReason: vi.fn(() => 'not running as root'),
    install: vi.fn(async () => void calls.push('install')),
    startDocker: vi.fn(async (s) => running(`docker://${s}`, stops)),
    startLocal: vi.fn(async (s, o) => running(`local://${s}@${o.binary}`, stops)),
    ...overrides,
  };
}

describe('startServices resolution order', () => {
  it('uses DATABASE_URL and REDIS_URL when set and probes nothing', async () => {
    const probes = bareMachine();
    const env = { DATABASE_URL: 'postgres://a@h:1/db', REDIS_URL: 'redis://h:2' };
    const s = await startServices({ mode: 'test', log, env, probes });
    expect(s).toMatchObject({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
    expect(s.source).toEqual({ postgres: 'env', redis: 'env' });
    expect(probes.calls).toEqual([]);
    await s.stop();
    expect(probes.stops).toEqual([]); // env services are never stopped by us
  });

  it('prefers a Docker engine over local binaries for what the env does not give', async () => {
    const probes = bareMachine({
      dockerAvailable: async () => true,
      findRedisServer: () => '/usr/bin/redis-server',
    });
    const s = await startServices({ mode: 'test', log, env: { DATABASE_URL: 'postgres://a@h/db' }, probes });
    expect(s.source).toEqual({ postgres: 'env', redis: 'docker' });
    expect(s.redisUrl).toBe('docker://redis');
    expect(probes.startLocal).not.toHaveBeenCalled();
    await s.stop();
    await s.stop();
    expect(probes.stops).toEqual(['docker://redis']);
  });

  it('falls back to local binaries when no Docker engine answers', async () => {
    const probes = bareMachine({
      findPostgresBin: () => '/usr/lib/postgresql/15/bin',
      findRedisServer: () => '/usr/bin/redis-server',
    });
    const s = await startServices({ mode: 'quickstart', log, probes });
    expect(s.source).toEqual({ postgres: 'local', redis: 'local' });
    expect(s.databaseUrl).toBe('local://postgres@/usr/lib/postgresql/15/bin');
    expect(probes.install).not.toHaveBeenCalled();
    await s.stop();
    expect(probes.stops.sort()).toEqual([s.databaseUrl, s.redisUrl].sort());
  });

  it('installs only the missing packages with apt-get when allowed, then uses them', async () => {
    let installed = false;
    const probes = bareMachine({
      findPostgresBin: () => '/usr/lib/postgresql/15/bin',
      findRedisServer: (afterInstall) => (installed && afterInstall ? '/usr/bin/redis-server' : null),
      cannotInstallReason: () => null,
      install: vi.fn(async () => {
        installed = true;
      }),
    });
    const s = await startServices({ mode: 'test', log, probes });
    expect(probes.install).toHaveBeenCalledWith(['redis-server'], log);
    expect(s.redisUrl).toBe('local://redis@/usr/bin/redis-server');
    await s.stop();
  });

  it('falls back to local binaries when Docker answers but cannot start a container', async () => {
    const probes = bareMachine({
      dockerAvailable: async () => true,
      startDocker: vi.fn(async (s) => {
        if (s === 'redis') throw new Error('pull access denied');
        return running(`docker://${s}`, probes.stops);
      }),
      findRedisServer: () => '/usr/bin/redis-server',
    });
    const s = await startServices({ mode: 'test', log, probes });
    expect(s.source).toEqual({ postgres: 'docker', redis: 'local' });
    expect(s.redisUrl).toBe('local://redis@/usr/bin/redis-server');
    expect(probes.findPostgresBin).not.toHaveBeenCalled();
    await s.stop();
    expect(probes.stops.sort()).toEqual(['docker://postgres', 'local://redis@/usr/bin/redis-server']);
  });

  it('starts only the services asked for', async () => {
    const probes = bareMachine({ findRedisServer: () => '/usr/bin/redis-server' });
    const s = await startServices({ mode: 'test', log, probes, need: { postgres: false } });
    expect(s.databaseUrl).toBe('');
    expect(s.source).toEqual({ postgres: null, redis: 'local' });
    expect(probes.calls).not.toContain('pg?');
  });

  it('says exactly what to install or set when nothing is possible', async () => {
    const probes = bareMachine();
    const err = await startServices({ mode: 'test', log, probes }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect((err as Error).name).toBe('ServicesUnavailableError');
    expect(message).toContain('No postgres and redis available');
    expect(message).toContain('not running as root');
    expect(message).toContain('DATABASE_URL=');
    expect(message).toContain('REDIS_URL=');
    expect(message).toContain('apt-get install -y postgresql');
    expect(message).toContain('apt-get install -y redis-server');
    expect(message).toContain('Docker');
    expect(probes.startLocal).not.toHaveBeenCalled();
  });

  it('stops what it already started when a later service fails', async () => {
    const probes = bareMachine({
      findPostgresBin: () => '/pg/bin',
      findRedisServer: () => '/bin/redis-server',
      startLocal: vi.fn(async (s) => {
        if (s === 'redis') throw new Error('redis exploded');
        return running('local://postgres', probes.stops);
      }),
    });
    await expect(startServices({ mode: 'test', log, probes })).rejects.toThrow('redis exploded');
    expect(probes.stops).toEqual(['local://postgres']);
  });

  it('logs one line per choice with source, place and duration', async () => {
    const lines: string[] = [];
    const capture = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const probes = bareMachine({ findRedisServer: () => '/usr/bin/redis-server' });
    await startServices({ mode: 'test', log: capture, probes, env: { DATABASE_URL: 'postgres://u@h/db' } });
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; source?: string; ms?: number });
    const choices = parsed.filter((l) => l.source !== undefined);
    expect(choices.map((c) => c.msg)).toEqual([
      'services: postgres from env: $DATABASE_URL',
      expect.stringMatching(
        /^services: redis from local: local:\/\/redis@\/usr\/bin\/redis-server, ready in \d+ ms$/,
      ),
    ]);
  });
});
