/**
 * tiktok_affiliate.creators follows the pages (src/load/creators.ts): every creator a page names is
 * recorded in the page's transaction, a username-only creator is merged into its open_id row once a
 * stream gives both, and the reader role can read it and join the other tables to it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { commitPage } from '../../../src/load/commit-page.ts';
import { noteCreators } from '../../../src/load/creators.ts';
import type { Db } from '../../../src/load/db.ts';
import type { PageCommit } from '../../../src/load/types.ts';
import { SHOP, seedConnection, seedRun, sellerLine, sellerOrder, testDb } from './rows.ts';

let db: Db;
let sellerConnection: number;
beforeAll(async () => {
  db = testDb();
  sellerConnection = await seedConnection(db.sql);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate tiktok_affiliate.creators, tiktok_affiliate.seller_order_skus, tiktok_affiliate.seller_orders,
    tiktok_affiliate.target_collaboration_creators, tiktok_affiliate.creator_orders`;
});

async function commit(
  connectionId: number,
  stream: PageCommit['stream'],
  rows: PageCommit['rows'],
  syncedAt: Date,
): Promise<void> {
  const runId = await seedRun(db.sql, connectionId, stream);
  await commitPage(
    db,
    {
      runId,
      connectionId,
      stream,
      scope: 'all',
      rows,
      rejected: [],
      checkpoint: { watermark: null, cursor: null },
      snapshot: false,
    },
    { syncedAt },
  );
}

const sellerPage = (orderId: string, usernames: string[]) => ({
  sellerOrders: [sellerOrder(orderId, { sku_count: usernames.length })],
  sellerOrderSkus: usernames.map((u, i) =>
    sellerLine(orderId, `k${i}`, { creator_username: u, line_index: i }),
  ),
});

const invited = (openId: string, username: string, nickname: string) => ({
  shop_id: SHOP,
  target_collaboration_id: 'tc1',
  creator_key: openId,
  creator_open_id: openId,
  username,
  nickname,
  raw: {},
});

const creators = async () =>
  db.sql<
    { creator_key: string; open_id: string | null; username: string | null; display_name: string | null }[]
  >`
    select creator_key, open_id, username, display_name, first_seen_at, last_seen_at
    from tiktok_affiliate.creators order by creator_key`;

const T1 = new Date('2026-01-01T00:00:00Z');
const T2 = new Date('2026-01-02T00:00:00Z');
const T3 = new Date('2026-01-03T00:00:00Z');

describe('creators', () => {
  it('records the creators of seller order lines by username, in the page transaction', async () => {
    await commit(sellerConnection, 'seller_affiliate_orders', sellerPage('1', ['alice', 'bob', 'alice']), T1);
    expect(await creators()).toEqual([
      {
        creator_key: 'alice',
        open_id: null,
        username: 'alice',
        display_name: null,
        first_seen_at: T1,
        last_seen_at: T1,
      },
      {
        creator_key: 'bob',
        open_id: null,
        username: 'bob',
        display_name: null,
        first_seen_at: T1,
        last_seen_at: T1,
      },
    ]);
  });

  it('merges a username-only creator into its open_id row once a stream gives both, keeping first seen', async () => {
    await commit(sellerConnection, 'seller_affiliate_orders', sellerPage('1', ['alice']), T1);
    await commit(
      sellerConnection,
      'target_collaborations',
      { targetCollaborationCreators: [invited('oa', 'alice', 'Alice A')] },
      T2,
    );
    // Seen again by username only: the open_id row is touched, no second row appears.
    await commit(sellerConnection, 'seller_affiliate_orders', sellerPage('2', ['alice']), T3);
    expect(await creators()).toEqual([
      {
        creator_key: 'oa',
        open_id: 'oa',
        username: 'alice',
        display_name: 'Alice A',
        first_seen_at: T1,
        last_seen_at: T3,
      },
    ]);
  });

  it('names the creator of a creator connection after the connection, for the reader to see', async () => {
    const [conn] = await db.sql<{ id: number }[]>`
      insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
        access_token_expires_at, open_id)
      values ('creator', 'Bella (creator)', 'app', 'x', 'x', 'x', now(), 'ob') returning id`;
    await commit(
      conn!.id,
      'creator_affiliate_orders',
      {
        creatorOrders: [
          { creator_id: 'ob', order_id: 'c1', status: 'ORDERED', create_time: T1, sku_count: 0, raw: {} },
        ],
      },
      T1,
    );
    await db.sql.begin(async (tx) => {
      await tx`set local role affiliate_reader`;
      const rows = await tx`
        select o.order_id, k.display_name from tiktok_affiliate.creator_orders o
        join tiktok_affiliate.creators k on k.open_id = o.creator_id`;
      expect(rows).toEqual([{ order_id: 'c1', display_name: 'Bella (creator)' }]);
    });
  });

  it('re-committing the same page within the hour rewrites no creator row', async () => {
    await commit(sellerConnection, 'seller_affiliate_orders', sellerPage('1', ['alice']), T1);
    const [before] = await db.sql`select xmin::text as x from tiktok_affiliate.creators`;
    expect(before?.['x']).toEqual(expect.any(String));
    await commit(
      sellerConnection,
      'seller_affiliate_orders',
      sellerPage('1', ['alice']),
      new Date(T1.getTime() + 30 * 60_000),
    );
    const [after] = await db.sql`select xmin::text as x from tiktok_affiliate.creators`;
    expect(after).toEqual(before);
  });

  it('pages of concurrent windows naming the same known creators do not wait for each other', async () => {
    // An open_id creator (from an invitation), a username-only one, and one known by both.
    const known = {
      ...sellerPage('1', ['alice', 'carol']),
      targetCollaborationCreators: [invited('oid-bob', 'bob', 'Bob')],
    };
    await commit(sellerConnection, 'seller_affiliate_orders', known, T1);
    const later = new Date(T1.getTime() + 10 * 60_000);
    const note = (sql: postgres.TransactionSql) =>
      noteCreators(sql, { rows: known, connectionId: sellerConnection, runId: null, seenAt: later });
    // Window A's page is written and not yet committed when window B's page names the same creators.
    const waited = await db.sql.begin(async (a) => {
      await note(a);
      return db.sql
        .begin(async (b) => {
          await b`set local lock_timeout = '500ms'`;
          await note(b);
          return false;
        })
        .catch((error: { code?: string }) => {
          if (error.code === '55P03') return true;
          throw error;
        });
    });
    expect(waited).toBe(false);
  });
});
