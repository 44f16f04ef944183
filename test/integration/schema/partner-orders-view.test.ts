/**
 * tiktok_affiliate.partner_campaign_orders_monthly against a migrated Postgres: TAP order lines are
 * summed per partner x campaign x month x currency, estimated versus actual partner commission, with
 * the campaign name joined when the campaign is known.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import type { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrderColumns } from '../../../src/load/order-lines.ts';
import * as schema from '../../../src/load/schema/index.ts';
import * as transform from '../../../src/transform/index.ts';
import type { NormalizeResult } from '../../../src/transform/types.ts';
import { ctx } from '../../unit/transform/examples.ts';
import { tapOrderExample } from '../../unit/transform/partner-order-example.ts';

const ASSET = 'TTP_view_test_asset';
let sql: postgres.Sql;

async function load(result: NormalizeResult): Promise<void> {
  expect(result.rejected).toEqual([]);
  const db = drizzle(sql);
  // As the loader stores them: lines carry their order's create_time and status (order-lines.ts).
  for (const [exportName, rows] of Object.entries(withOrderColumns(result.rows))) {
    const table = (schema as unknown as Record<string, PgTable>)[exportName] as PgTable;
    if (rows.length > 0) await db.insert(table).values(rows as never);
  }
}

beforeAll(async () => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: run this file in the integration project');
  sql = postgres(url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

function order(id: string, createTime: number, status: string, sku: Record<string, unknown>) {
  return { ...tapOrderExample(), id, create_time: createTime, status, skus: sku };
}

describe('partner_campaign_orders_monthly', () => {
  it('sums orders and partner commission per campaign and month, estimated versus actual', async () => {
    const base = tapOrderExample()['skus'] as Record<string, unknown>;
    const open = { ...base };
    delete open['actual_tap_commission'];
    delete open['actual_commission_base'];
    const other = { ...base, campaign_id: '7356876895365100000' };
    await load(
      transform.normalizePartnerOrders(
        [
          order('o1', Date.UTC(2026, 0, 3) / 1000, 'COMPLETED', base),
          order('o2', Date.UTC(2026, 0, 20) / 1000, 'PROCESSING', open),
          order('o3', Date.UTC(2026, 1, 1) / 1000, 'COMPLETED', base),
          order('o4', Date.UTC(2026, 0, 5) / 1000, 'COMPLETED', other),
        ],
        ctx(ASSET),
      ),
    );
    const rows = await sql`
      select campaign_id, month::text, currency, orders::int, settled_orders::int, lines::int, units::int,
        estimated_partner_commission::text, actual_partner_commission::text,
        unsettled_estimated_partner_commission::text
      from tiktok_affiliate.partner_campaign_orders_monthly where partner_id = ${ASSET}
      order by campaign_id, month`;
    expect(rows).toEqual([
      {
        campaign_id: '7356876895365100000',
        month: '2026-01-01',
        currency: 'USD',
        orders: 1,
        settled_orders: 1,
        lines: 1,
        units: 2,
        estimated_partner_commission: '1.9900',
        actual_partner_commission: '1.0000',
        unsettled_estimated_partner_commission: null,
      },
      {
        campaign_id: '7356876895365105455',
        month: '2026-01-01',
        currency: 'USD',
        orders: 2,
        settled_orders: 1,
        lines: 2,
        units: 4,
        estimated_partner_commission: '3.9800',
        actual_partner_commission: '1.0000',
        unsettled_estimated_partner_commission: '1.9900',
      },
      {
        campaign_id: '7356876895365105455',
        month: '2026-02-01',
        currency: 'USD',
        orders: 1,
        settled_orders: 1,
        lines: 1,
        units: 2,
        estimated_partner_commission: '1.9900',
        actual_partner_commission: '1.0000',
        unsettled_estimated_partner_commission: null,
      },
    ]);
  });
});
