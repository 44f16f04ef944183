/**
 * Postgres stopping under a worker: postgres.js 3.4.9 writes to a null socket (an uncaught TypeError
 * from a timer, fatal to the process) when a transaction's ROLLBACK or a reserved connection's query
 * is sent after the connection closed. The Db and the stream lock must turn an outage into ordinary
 * rejected promises, and work again once the server is back. A throwaway server: it gets stopped.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tryLockStream } from '../../../src/jobs/stream-lock.ts';
import { createDb, type Db, isConnectionLost } from '../../../src/load/db.ts';
import { type OutageServer, throwawayPostgres } from '../../e2e/outage-services.ts';

let pg: OutageServer;
let db: Db;
const uncaught: unknown[] = [];
const record = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  pg = await throwawayPostgres();
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});
afterAll(async () => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
  await pg?.destroy();
});
beforeEach(() => {
  db = createDb(pg.url, { max: 2 });
  uncaught.length = 0;
});
afterEach(async () => {
  await pg.start().catch(() => undefined);
  await db.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Postgres stopping mid-transaction', () => {
  it('rejects the transaction, crashes nothing, and the pool works once the server is back', async () => {
    const tx = db.sql
      .begin(async (t) => {
        await t`select 1`;
        await pg.stop();
        await t`select pg_sleep(0.2)`;
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    const err = await tx;
    expect(isConnectionLost(err), String(err)).toBe(true);
    await sleep(300);
    expect(uncaught.map(String)).toEqual([]);
    await pg.start();
    const [row] = await db.sql<{ one: number }[]>`select 1 as one`;
    expect(row?.one).toBe(1);
  });

  it('does the same for a failing savepoint', async () => {
    const err = await db.sql
      .begin(async (t) => {
        await t.savepoint(async (sp) => {
          await sp`select 1`;
          await pg.stop();
          await sp`select 2`;
        });
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isConnectionLost(err), String(err)).toBe(true);
    await sleep(300);
    expect(uncaught.map(String)).toEqual([]);
  });

  it('never runs a statement of a dead transaction on the reconnected connection (autocommit)', async () => {
    const one = createDb(pg.url, { max: 1 });
    try {
      await one.sql`create table if not exists outage_leak (n int)`;
      await one.sql`truncate outage_leak`;
      let insertTried: (outcome: string) => void = () => undefined;
      const secondInsert = new Promise<string>((resolve) => {
        insertTried = resolve;
      });
      const tx = one.sql
        .begin(async (t) => {
          await t`insert into outage_leak values (1)`;
          await pg.stop();
          await t`select pg_sleep(0.1)`.catch(() => undefined);
          await pg.start();
          // The pool's only connection object is reconnected for a query outside the transaction
          // (its first answer may be the stale error of the connection's previous life).
          await one.sql`select 1`.catch(() => undefined);
          await t`insert into outage_leak values (2)`.then(
            () => insertTried('ran'),
            (e: { code?: string }) => insertTried(`refused ${e.code}`),
          );
        })
        .catch((e: unknown) => e);
      const err = await Promise.race([tx, sleep(10_000).then(() => 'pending')]);
      expect(err).not.toBe('pending');
      expect(await secondInsert).toBe('refused CONNECTION_CLOSED');
      const rows = await one.sql<{ n: number }[]>`select n from outage_leak`;
      expect(rows).toEqual([]);
      await sleep(300);
      expect(uncaught.map(String)).toEqual([]);
    } finally {
      await one.close();
    }
  });

  it('still rolls back and rethrows an ordinary failure of the transaction body', async () => {
    await db.sql`create temp table if not exists t_guard (n int)`.catch(() => undefined);
    const err = await db.sql
      .begin(async (t) => {
        await t`select 1`;
        throw new Error('body failed');
      })
      .catch((e: Error) => e);
    expect((err as Error).message).toBe('body failed');
    const [row] = await db.sql<{ one: number }[]>`select 1 as one`;
    expect(row?.one).toBe(1);
  });
});

describe('renew() after an outage', () => {
  it('replaces the pool, so the first query is not handed the error that ended the old connection', async () => {
    const one = createDb(pg.url, { max: 1 });
    try {
      const inFlight = one.sql`select pg_sleep(1)`.catch((e: unknown) => e);
      await sleep(200);
      await pg.stop();
      expect(isConnectionLost(await inFlight)).toBe(true);
      await pg.start();
      one.renew();
      const [row] = await one.sql<{ one: number }[]>`select 1 as one`;
      expect(row?.one).toBe(1);
      // The same `sql` object still runs transactions on the new pool.
      expect(await one.sql.begin((t) => t`select 2 as two`)).toEqual([{ two: 2 }]);
    } finally {
      await one.close();
    }
  });
});

describe('the stream lock when Postgres stops', () => {
  it('reports the lock lost, releases without a crash, and can be taken again after restart', async () => {
    const lock = await tryLockStream(db, 1, 'seller_affiliate_orders');
    expect(lock).not.toBeNull();
    await pg.stop();
    const deadline = Date.now() + 5_000;
    while (!lock!.lost.aborted && Date.now() < deadline) await sleep(20);
    expect(lock!.lost.aborted).toBe(true);
    expect((lock!.lost.reason as Error).name).toBe('StreamLockLostError');
    await lock!.release();
    await sleep(300);
    expect(uncaught.map(String)).toEqual([]);
    await pg.start();
    const again = await tryLockStream(db, 1, 'seller_affiliate_orders');
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('is exclusive across sessions and released by release()', async () => {
    const first = await tryLockStream(db, 2, 'seller_affiliate_orders');
    expect(first).not.toBeNull();
    expect(await tryLockStream(db, 2, 'seller_affiliate_orders')).toBeNull();
    await first!.release();
    expect(first!.lost.aborted).toBe(false);
    const second = await tryLockStream(db, 2, 'seller_affiliate_orders');
    expect(second).not.toBeNull();
    await second!.release();
  });
});
