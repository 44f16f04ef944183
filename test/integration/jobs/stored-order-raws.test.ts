/**
 * What a settlement read from the trace search lacks is taken from the stored order as the API sent
 * it (src/jobs/windowed-sync.ts settledWalk): the store reads it from the orders' raw side table, by
 * owner and order id, whatever month the order is in.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPgStore } from '../../../src/jobs/pg-store.ts';
import { commitPage } from '../../../src/load/commit-page.ts';
import { createSecretBox } from '../../../src/load/crypto.ts';
import type { Db } from '../../../src/load/db.ts';
import { seedConnection, seedRun, testDb } from '../load/rows.ts';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});

it('storedOrderRaws returns each stored creator order as sent, from the side table', async () => {
  const connectionId = await seedConnection(db.sql, 'stored-raws');
  const order = (id: string, creator: string, createTime: Date) => ({
    creator_id: creator,
    order_id: id,
    status: 'ORDERED',
    create_time: createTime,
    sku_count: 1,
    raw: { id, creator, skus: [{ id: `${id}-s` }] },
  });
  const orders = [
    order('t1', 'creator-raws', new Date('2022-03-10T00:00:00Z')),
    order('t2', 'creator-raws', new Date('2022-04-10T00:00:00Z')),
    order('t1', 'someone-else', new Date('2022-03-10T00:00:00Z')),
  ];
  await commitPage(db, {
    runId: await seedRun(db.sql, connectionId, 'creator_affiliate_orders'),
    connectionId,
    stream: 'creator_affiliate_orders',
    scope: 'all',
    rows: { creatorOrders: orders, creatorOrderSkus: [] },
    rejected: [],
    checkpoint: { watermark: null, cursor: null },
    snapshot: false,
  });
  const store = createPgStore(db, createSecretBox({ key: randomBytes(32) }));
  const stored = await store.storedOrderRaws({
    table: 'creatorOrders',
    ownerColumn: 'creator_id',
    ownerId: 'creator-raws',
    orderIds: ['t1', 't2', 'unknown'],
  });
  expect(Object.fromEntries(stored)).toEqual({ t1: orders[0]!.raw, t2: orders[1]!.raw });
});
