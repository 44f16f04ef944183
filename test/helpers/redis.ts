/**
 * Redis isolation per test file: every file shares one server, so keys and BullMQ queues get a
 * unique prefix / name, and `cleanup()` deletes exactly those keys afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export interface RedisNamespace {
  url: string;
  /** Key prefix unique to this namespace, ending in ':'. Use as BullMQ `prefix`. */
  prefix: string;
  /** A queue name unique to this namespace. */
  queueName(name: string): string;
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

export function redisNamespace(label = 'test'): RedisNamespace {
  const url = inject('redisUrl');
  const id = `${label.replace(/[^A-Za-z0-9_-]+/g, '_')}-${randomBytes(4).toString('hex')}`;
  const prefix = `t:${id}:`;
  return {
    url,
    prefix,
    queueName: (name) => `${name}-${id}`,
    cleanup: async () => {
      const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
