/**
 * The creator trace order search (POST /affiliate_creator/202505/orders/trace/search) over HTTP: the
 * same orders as the 202410 search, filtered by settle, delivery, pay or create time, in the trace
 * shape; refused as an ungranted API under creator_trace_orders=refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonKeepingBigIntegers } from '../../../src/tiktok/big-int-json.ts';
import { type Fixture, PATHS, startFixture } from './helpers.ts';

const TRACE = '/affiliate_creator/202505/orders/trace/search';
const DAY = 86_400;

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.sb.close();
});
afterEach(() => {
  f.sb.setQuirks(null);
});

type Order = Record<string, unknown> & { skus: Record<string, unknown>[] };

async function all(path: string, body: Record<string, unknown>): Promise<Order[]> {
  const out: Order[] = [];
  let token: string | undefined;
  for (;;) {
    const r = await f.call(path, {
      token: f.creator.accessToken,
      query: { page_size: 100, ...(token ? { page_token: token } : {}) },
      body,
    });
    expect(r.json.code, r.text.slice(0, 200)).toBe(0);
    const data = (
      parseJsonKeepingBigIntegers(r.text) as { data: { orders: Order[]; next_page_token?: string } }
    ).data;
    out.push(...data.orders);
    token = data.next_page_token;
    if (!token) return out;
  }
}

describe('creator trace orders', () => {
  it('SETTLE_TIME: exactly the SETTLED and DEDUCTED orders whose settlement falls in the range, in the trace shape', async () => {
    const nowS = Math.floor(f.sb.clock.nowMs() / 1000);
    const ge = nowS - 30 * DAY;
    // Every order that can have settled in the range (settlement is at most 80 days after creation).
    const orders = await all(PATHS.creatorOrders, { create_time_ge: ge - 80 * DAY, create_time_lt: nowS });
    const traced = await all(TRACE, { time_ge: ge, time_lt: nowS, time_type: 'SETTLE_TIME' });
    expect(traced.length).toBeGreaterThan(0);
    const byId = new Map(orders.map((o) => [o['id'] as string, o]));
    for (const t of traced) {
      // The id was a JSON number beyond 2^53 in the body.
      expect(typeof t['id']).toBe('string');
      const o = byId.get(t['id'] as string)!;
      expect(o, String(t['id'])).toBeDefined();
      expect(['SETTLED', 'DEDUCTED']).toContain(o['status']);
      expect(t['status']).toBe(o['status']);
      for (const [j, sku] of t.skus.entries()) {
        expect(sku).not.toHaveProperty('tag');
        expect(sku).not.toHaveProperty('commission_model');
        expect(sku['trace']).toMatchObject({ type: expect.stringMatching(/^(SPECIFIC|GENERAL)$/) });
        const { trace: _t, delivery_time: _d, ...rest } = sku;
        const { tag: _g, commission_model: _m, commission_tier_setting: _s, ...expected } = o.skus[j]!;
        expect(rest).toEqual(expected);
      }
    }
    // Nothing REFUNDED or still FROZEN; every settled order of older creation that is not listed settled outside the range.
    expect(traced.some((t) => t['status'] === 'REFUNDED' || t['status'] === 'FROZEN')).toBe(false);
    const raw = await f.call(TRACE, {
      token: f.creator.accessToken,
      query: { page_size: 1 },
      body: { time_ge: ge, time_lt: nowS, time_type: 'SETTLE_TIME' },
    });
    expect(raw.text).toMatch(/"orders":\[\{"id":\d{17,}[,}]/);
  });

  it('CREATE_TIME (the default) lists the same orders as the 202410 search', async () => {
    const nowS = Math.floor(f.sb.clock.nowMs() / 1000);
    const body = { create_time_ge: nowS - 20 * DAY, create_time_lt: nowS };
    const orders = await all(PATHS.creatorOrders, body);
    const traced = await all(TRACE, { time_ge: body.create_time_ge, time_lt: body.create_time_lt });
    expect(traced.map((t) => t['id'])).toEqual(orders.map((o) => o['id']));
  });

  it('an unknown time_type is a parameter error', async () => {
    const r = await f.call(TRACE, {
      token: f.creator.accessToken,
      query: { page_size: 10 },
      body: { time_type: 'SHIP_TIME' },
    });
    expect(r.json.code).not.toBe(0);
    expect(r.json.message).toMatch(/time_type/);
  });

  it('creator_trace_orders=refused: the missing-scope refusal (105005)', async () => {
    f.sb.setQuirks({ creatorTraceOrders: 'refused' });
    const r = await f.call(TRACE, { token: f.creator.accessToken, query: { page_size: 10 }, body: {} });
    expect(r.json.code).toBe(105005);
    // The 202410 search is unaffected.
    const ok = await f.call(PATHS.creatorOrders, {
      token: f.creator.accessToken,
      query: { page_size: 10 },
      body: {},
    });
    expect(ok.json.code).toBe(0);
  });
});
