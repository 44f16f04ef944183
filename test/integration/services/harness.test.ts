/**
 * The integration harness itself: each file gets its own migrated database in DATABASE_URL,
 * freshDatabase() clones are isolated from each other, and Redis namespaces do not overlap.
 */
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emptyDatabase, freshDatabase } from '../../helpers/db.ts';
import { redisNamespace } from '../../helpers/redis.ts';

const count = async (url: string, query: string) => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe<{ n: number }[]>(query);
    return Number(row?.n);
  } finally {
    await sql.end();
  }
};

describe('test harness', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('gives this file a migrated database of its own in DATABASE_URL', async () => {
    const url = process.env.DATABASE_URL!;
    expect(new URL(url).pathname.slice(1)).toMatch(new RegExp(`^${inject('databasePrefix')}_file_`));
    expect(
      await count(
        url,
        `select count(*) as n from information_schema.schemata where schema_name in ('etl', 'tiktok_affiliate')`,
      ),
    ).toBe(2);
    expect(process.env.REDIS_URL).toBe(inject('redisUrl'));
  });

  it('clones are isolated from each other and from the template', async () => {
    const a = await freshDatabase('a');
    const b = await freshDatabase('b');
    drops.push(a.drop, b.drop);
    const sqlA = postgres(a.url, { max: 1, onnotice: () => {} });
    await sqlA`create table harness_probe (x int)`;
    await sqlA.end();
    expect(await count(a.url, `select count(*) as n from pg_tables where tablename = 'harness_probe'`)).toBe(
      1,
    );
    expect(await count(b.url, `select count(*) as n from pg_tables where tablename = 'harness_probe'`)).toBe(
      0,
    );
    await a.drop();
    const admin = inject('adminDatabaseUrl');
    expect(await count(admin, `select count(*) as n from pg_database where datname = '${a.name}'`)).toBe(0);
  });

  it('emptyDatabase() has no migrations applied', async () => {
    const e = await emptyDatabase();
    drops.push(e.drop);
    expect(
      await count(e.url, `select count(*) as n from information_schema.schemata where schema_name = 'etl'`),
    ).toBe(0);
  });

  it('redis namespaces are unique and cleanup removes only their keys', async () => {
    const one = redisNamespace('one');
    const two = redisNamespace('one');
    expect(one.prefix).not.toBe(two.prefix);
    expect(one.queueName('sync')).not.toBe(two.queueName('sync'));
    const redis = new Redis(one.url, { maxRetriesPerRequest: 1 });
    await redis.set(`${one.prefix}k`, '1');
    await redis.set(`${two.prefix}k`, '2');
    await one.cleanup();
    expect(await redis.get(`${one.prefix}k`)).toBeNull();
    expect(await redis.get(`${two.prefix}k`)).toBe('2');
    await two.cleanup();
    redis.disconnect();
  });
});
