import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDependencyHealth, isRedisUnreachable } from '../../../src/jobs/dependency-health.ts';
import { createLogger, installLastResort } from '../../../src/log.ts';
import { createMetrics } from '../../../src/metrics.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

describe('dependency health', () => {
  it('logs one line per change however often an outage is reported, and tells listeners', () => {
    const { lines, log } = capture();
    const health = createDependencyHealth(log);
    const changes: string[] = [];
    health.onChange((dep, up) => changes.push(`${dep}:${up ? 'up' : 'down'}`));
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 5; i++) health.markDown('redis', refused);
    expect(health.isUp('redis')).toBe(false);
    expect(health.isUp('postgres')).toBe(true);
    health.markUp('redis');
    health.markUp('redis');
    expect(changes).toEqual(['redis:down', 'redis:up']);
    expect(lines.map((l) => [l.event, l.dependency])).toEqual([
      ['dependency_down', 'redis'],
      ['dependency_up', 'redis'],
    ]);
    expect(lines[0]?.errorClass).toBe('Error');
  });

  it('counts the moments right after an outage as part of it (downWithin)', () => {
    const health = createDependencyHealth(capture().log);
    expect(health.downWithin('postgres', 30_000)).toBe(false);
    health.markDown('postgres', new Error('x'));
    expect(health.downWithin('postgres', 0)).toBe(true);
    health.markUp('postgres');
    expect(health.downWithin('postgres', 30_000)).toBe(true);
    expect(health.downWithin('postgres', -1)).toBe(false);
  });

  it('recognizes a Redis client that cannot reach its server', () => {
    expect(
      isRedisUnreachable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isRedisUnreachable(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisUnreachable(new Error('ERR unknown command'))).toBe(false);
  });
});

describe('the dependency_up gauge', () => {
  it('exposes each dependency as 1 or 0', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.setDependencyUp('postgres', true);
    metrics.setDependencyUp('redis', false);
    const text = await metrics.registry.metrics();
    expect(text).toContain('affiliate_etl_dependency_up{dependency="postgres"} 1');
    expect(text).toContain('affiliate_etl_dependency_up{dependency="redis"} 0');
  });
});

describe('installLastResort', () => {
  it('logs an uncaught exception or unhandled rejection as one structured line, then exits 1', () => {
    const { lines, log } = capture();
    const target = new EventEmitter();
    const exits: number[] = [];
    const remove = installLastResort(log, target, (code) => exits.push(code));
    target.emit('uncaughtException', new TypeError("Cannot read properties of null (reading 'write')"));
    target.emit('unhandledRejection', 'plain reason');
    expect(exits).toEqual([1, 1]);
    expect(lines.map((l) => [l.level, l.event, l.kind])).toEqual([
      ['fatal', 'process_crash', 'uncaught_exception'],
      ['fatal', 'process_crash', 'unhandled_rejection'],
    ]);
    expect((lines[0]!.err as { type?: string }).type).toBe('TypeError');
    remove();
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});
