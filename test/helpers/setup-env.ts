/**
 * Runs before every integration/e2e test file: the file gets its own migrated database as
 * process.env.DATABASE_URL (dropped after the file) and the shared Redis as process.env.REDIS_URL,
 * so tests that read the environment are isolated without doing anything.
 */
import { afterAll, inject } from 'vitest';
import { freshDatabase } from './db.ts';

const db = await freshDatabase('file');
process.env.DATABASE_URL = db.url;
process.env.REDIS_URL = inject('redisUrl');

afterAll(async () => {
  await db.drop();
});
