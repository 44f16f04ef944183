import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisMutex } from '../../../src/tiktok/redis-mutex.ts';
import { cleanup, connections, uniquePrefix } from './redis-helpers.ts';

const [r1, r2] = connections(2) as [Redis, Redis];
const prefix = uniquePrefix('mutex');

afterAll(async () => {
  await cleanup(r1, prefix);
  r1.disconnect();
  r2.disconnect();
});

describe('createRedisMutex', () => {
  it('two processes never run the critical section at the same time', async () => {
    const m1 = createRedisMutex(r1, { prefix, minWaitStepMs: 2, maxWaitStepMs: 10 });
    const m2 = createRedisMutex(r2, { prefix, minWaitStepMs: 2, maxWaitStepMs: 10 });
    let inside = 0;
    let maxInside = 0;
    let done = 0;
    const work = async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 5));
      inside -= 1;
      done += 1;
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? m1 : m2).withLock('k', work)));
    expect(done).toBe(12);
    expect(maxInside).toBe(1);
    expect(await r1.exists(`${prefix}k`)).toBe(0);
  });

  it('releases on error and returns the value on success', async () => {
    const m = createRedisMutex(r1, { prefix });
    await expect(m.withLock('e', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await m.withLock('e', async () => 42)).toBe(42);
  });

  it('does not delete a lock another owner holds after its own expired', async () => {
    const short = createRedisMutex(r1, { prefix, ttlMs: 30 });
    await short.withLock('x', async () => {
      // Simulate losing the lock (e.g. a long GC pause past the ttl) and someone else taking it.
      await r2.set(`${prefix}x`, 'someone-else', 'PX', 5000);
    });
    expect(await r2.get(`${prefix}x`)).toBe('someone-else');
    await r2.del(`${prefix}x`);
  });

  it('keeps the lock alive past its ttl while the holder works', async () => {
    const m1 = createRedisMutex(r1, { prefix, ttlMs: 60 });
    const m2 = createRedisMutex(r2, { prefix, ttlMs: 60, minWaitStepMs: 5, maxWaitStepMs: 10 });
    const order: string[] = [];
    const slow = m1.withLock('renew', async () => {
      order.push('a-start');
      await new Promise((r) => setTimeout(r, 250));
      order.push('a-end');
    });
    await new Promise((r) => setTimeout(r, 20));
    await m2.withLock('renew', async () => {
      order.push('b');
    });
    await slow;
    expect(order).toEqual(['a-start', 'a-end', 'b']);
  });

  it('waiting for the lock is abortable', async () => {
    const m = createRedisMutex(r1, { prefix });
    await r2.set(`${prefix}held`, 'other', 'PX', 10_000);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('gave up')), 50);
    await expect(m.withLock('held', async () => 1, ctrl.signal)).rejects.toThrow('gave up');
  });
});
