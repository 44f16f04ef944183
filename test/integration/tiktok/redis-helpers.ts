/** Redis connections for the src/tiktok integration tests, isolated by a unique key prefix. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error(
      'REDIS_URL is not set (the integration setup provides it; see test/helpers/setup-env.ts)',
    );
  return url;
}

export function uniquePrefix(label: string): string {
  return `t:tiktok-${label}-${randomBytes(4).toString('hex')}:`;
}

/** Separate connections, as separate worker processes would have. */
export function connections(n: number): Redis[] {
  return Array.from({ length: n }, () => new Redis(redisUrl(), { maxRetriesPerRequest: 2 }));
}

export async function cleanup(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
