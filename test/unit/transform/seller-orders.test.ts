import { describe, expect, it } from 'vitest';
import { lineKeyBase } from '../../../src/transform/line-key.ts';
import { normalizeSellerOrders } from '../../../src/transform/seller-orders.ts';
import { clone, ctx, exampleList } from './examples.ts';

const SHOP = '7000714532876273420';
const orders = () => exampleList('affiliate-seller-202410-orders-search', 'orders');
const order = () => clone(orders()[0] as Record<string, unknown>);
const skusOf = (o: Record<string, unknown>) => o['skus'] as Record<string, unknown>[];

describe('normalizeSellerOrders: the official example (docs/tiktok-api.md#seller-orders)', () => {
  const result = normalizeSellerOrders(orders(), ctx(SHOP));

  it('produces one order and one line, nothing rejected, no unknown enum', () => {
    expect(result.rejected).toEqual([]);
    expect(result.unknownEnums).toEqual({});
    expect(result.rows.sellerOrders).toHaveLength(1);
    expect(result.rows.sellerOrderSkus).toHaveLength(1);
  });

  it('maps the order header exactly', () => {
    const { raw, ...header } = result.rows.sellerOrders[0] as Record<string, unknown>;
    expect(header).toEqual({
      shop_id: SHOP,
      order_id: '579125529499110202',
      status: 'COMPLETED',
      create_time: new Date('2024-07-31T10:03:06.000Z'),
      delivery_time: new Date('2024-08-15T19:04:16.000Z'),
      sku_count: 1,
      total_quantity: 1,
      total_estimated_commission_base_amount: '1000.0000',
      total_estimated_commission_base_currency: 'VND',
      total_estimated_paid_commission_amount: '20000.0000',
      total_estimated_paid_commission_currency: 'VND',
      total_actual_commission_base_amount: '50000.0000',
      total_actual_commission_base_currency: 'VND',
      total_actual_paid_commission_amount: '10000.0000',
      total_actual_paid_commission_currency: 'VND',
    });
    // The header keeps the whole order as received, its lines included (line rows keep no copy).
    expect(raw).toEqual(order());
  });

  it('maps the line exactly: string bps, VND and USD money, no raw copy', () => {
    const line = result.rows.sellerOrderSkus[0] as Record<string, unknown>;
    expect(line).toEqual({
      shop_id: SHOP,
      order_id: '579125529499110202',
      line_key: lineKeyBase({
        product_id: '1729503179457070324',
        content_type: 'LIVE',
        content_id: '7493990579714164574',
        creator_username: 'exampleTikTokCreatorUsername',
        campaign_id: '73661290629',
        open_collaboration_id: '73661290629',
        target_collaboration_id: '73661290629',
      }),
      line_index: 0,
      product_id: '1729503179457070324',
      content_type: 'LIVE',
      content_id: '7493990579714164574',
      creator_username: 'exampleTikTokCreatorUsername',
      campaign_id: '73661290629',
      open_collaboration_id: '73661290629',
      target_collaboration_id: '73661290629',
      price_amount: '1000.0000',
      price_currency: 'VND',
      quantity: 1,
      refunded_quantity: 1,
      returned_quantity: 1,
      commission_model: 'Tiered commission',
      commission_tier_setting: '3.0 OR 5.0',
      commission_rate_bps: 1000,
      shop_ads_commission_rate_bps: 5000,
      estimated_commission_base_amount: '1000.0000',
      estimated_commission_base_currency: 'VND',
      estimated_paid_commission_amount: '20000.0000',
      estimated_paid_commission_currency: 'VND',
      estimated_paid_shop_ads_commission_amount: '1000.0000',
      estimated_paid_shop_ads_commission_currency: 'VND',
      actual_commission_base_amount: '50000.0000',
      actual_commission_base_currency: 'VND',
      actual_paid_commission_amount: '10000.0000',
      actual_paid_commission_currency: 'VND',
      actual_paid_shop_ads_commission_amount: '20000.0000',
      actual_paid_shop_ads_commission_currency: 'VND',
      estimated_cofunded_creator_bonus_amount: '100.0000',
      estimated_cofunded_creator_bonus_amount_currency: 'USD',
      actual_cofunded_creator_bonus_amount: '100.0000',
      actual_cofunded_creator_bonus_amount_currency: 'USD',
    });
  });
});

describe('normalizeSellerOrders: lines', () => {
  it('splits exact duplicate lines with an ordinal and keeps line_index', () => {
    const o = order();
    const sku = skusOf(o)[0] as Record<string, unknown>;
    const other = { ...clone(sku), product_id: '42' };
    o['skus'] = [clone(sku), other, clone(sku)];
    const { rows } = normalizeSellerOrders([o], ctx(SHOP));
    const keys = rows.sellerOrderSkus.map((l) => l['line_key']);
    expect(keys[2]).toBe(`${keys[0]}#2`);
    expect(keys[1]).not.toBe(keys[0]);
    expect(rows.sellerOrderSkus.map((l) => l['line_index'])).toEqual([0, 1, 2]);
    expect(rows.sellerOrders[0]?.['sku_count']).toBe(3);
    expect(rows.sellerOrders[0]?.['total_quantity']).toBe(3);
  });

  it('line keys do not move when amounts or statuses change during settlement', () => {
    const before = order();
    const after = order();
    after['status'] = 'PROCESSING';
    const sku = skusOf(after)[0] as Record<string, unknown>;
    sku['actual_paid_commission'] = { amount: '0', currency: 'VND' };
    sku['quantity'] = 5;
    const k1 = normalizeSellerOrders([before], ctx(SHOP)).rows.sellerOrderSkus[0]?.['line_key'];
    const k2 = normalizeSellerOrders([after], ctx(SHOP)).rows.sellerOrderSkus[0]?.['line_key'];
    expect(k2).toBe(k1);
  });

  it('rejects an order without skus or with no lines: loaded, it would erase the stored lines and totals', () => {
    const absent = order();
    delete absent['skus'];
    const empty = order();
    empty['skus'] = [];
    const { rows, rejected } = normalizeSellerOrders([absent, empty], ctx(SHOP));
    expect(rejected.map((r) => r.reason)).toEqual(['missing_field:skus', 'empty_list:skus']);
    expect(rejected[0]?.recordKey).toBe('579125529499110202');
    expect(rows.sellerOrders).toEqual([]);
    expect(rows.sellerOrderSkus).toEqual([]);
  });

  it('totals are null when lines use different currencies or one lacks the amount', () => {
    const o = order();
    const sku = skusOf(o)[0] as Record<string, unknown>;
    const usd = clone(sku);
    usd['estimated_commission_base'] = { amount: '1.50', currency: 'USD' };
    const missing = clone(sku);
    delete missing['actual_paid_commission'];
    o['skus'] = [sku, usd, missing];
    const header = normalizeSellerOrders([o], ctx(SHOP)).rows.sellerOrders[0];
    expect(header).toMatchObject({
      total_estimated_commission_base_amount: null,
      total_estimated_commission_base_currency: null,
      total_actual_paid_commission_amount: null,
      total_estimated_paid_commission_amount: '60000.0000',
      total_estimated_paid_commission_currency: 'VND',
    });
  });
});

describe('normalizeSellerOrders: hostile variants', () => {
  it('rejects the WHOLE order when one line is bad, and keeps the rest of the page', () => {
    const bad = order();
    bad['id'] = '1';
    const sku = skusOf(bad)[0] as Record<string, unknown>;
    skusOf(bad).push({ ...clone(sku), price: { amount: 'lots', currency: 'VND' } });
    const good = order();
    const r = normalizeSellerOrders([bad, good], ctx(SHOP));
    expect(r.rows.sellerOrders.map((o) => o['order_id'])).toEqual(['579125529499110202']);
    expect(r.rows.sellerOrderSkus).toHaveLength(1);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({
      reason: 'bad_money:skus[1].price.amount',
      recordKey: '1',
      raw: bad,
    });
    expect(r.rejected[0]?.detail).toContain('lots');
  });

  it('rejects an order without id, with a non-array skus, or with a non-object line', () => {
    const noId = order();
    delete noId['id'];
    const badSkus = order();
    badSkus['skus'] = { a: 1 };
    const badLine = order();
    badLine['skus'] = ['x'];
    const r = normalizeSellerOrders([noId, badSkus, badLine], ctx(SHOP));
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'missing_field:id',
      'wrong_type:skus',
      'wrong_type:skus[0]',
    ]);
  });

  it('accepts int bps and ms timestamps, and rejects fractional or absurd bps', () => {
    const o = order();
    o['create_time'] = '1722420186000';
    const sku = skusOf(o)[0] as Record<string, unknown>;
    sku['commission_rate'] = 1550;
    const r = normalizeSellerOrders([o], ctx(SHOP));
    expect(r.rows.sellerOrders[0]?.['create_time']).toEqual(new Date('2024-07-31T10:03:06.000Z'));
    expect(r.rows.sellerOrderSkus[0]?.['commission_rate_bps']).toBe(1550);
    sku['commission_rate'] = '15.5';
    expect(normalizeSellerOrders([o], ctx(SHOP)).rejected[0]?.reason).toBe('bad_bps:skus[0].commission_rate');
    sku['commission_rate'] = '999999';
    expect(normalizeSellerOrders([o], ctx(SHOP)).rejected[0]?.reason).toBe('bad_bps:skus[0].commission_rate');
  });

  it('missing optional money objects become nulls; an empty amount is a rejection, not a zero', () => {
    const o = order();
    const sku = skusOf(o)[0] as Record<string, unknown>;
    delete sku['actual_paid_commission'];
    sku['actual_commission_base'] = null;
    const line = normalizeSellerOrders([o], ctx(SHOP)).rows.sellerOrderSkus[0];
    expect(line).toMatchObject({
      actual_paid_commission_amount: null,
      actual_paid_commission_currency: null,
      actual_commission_base_amount: null,
    });
    sku['price'] = { amount: '', currency: 'VND' };
    expect(normalizeSellerOrders([o], ctx(SHOP)).rejected[0]?.reason).toBe('bad_money:skus[0].price.amount');
  });

  it('counts unknown enum values and keeps them as sent', () => {
    const o = order();
    o['status'] = 'PARTIALLY_SETTLED';
    (skusOf(o)[0] as Record<string, unknown>)['content_type'] = 'STORY';
    const r = normalizeSellerOrders([o, order()], ctx(SHOP));
    expect(r.rejected).toEqual([]);
    expect(r.rows.sellerOrders[0]?.['status']).toBe('PARTIALLY_SETTLED');
    expect(r.unknownEnums).toEqual({ 'status=PARTIALLY_SETTLED': 1, 'skus[].content_type=STORY': 1 });
  });

  it('keeps unicode usernames, rejects NUL characters and oversized fields', () => {
    const uni = order();
    (skusOf(uni)[0] as Record<string, unknown>)['creator_username'] = 'nguyễn_văn 🎁 東京';
    const nul = order();
    (skusOf(nul)[0] as Record<string, unknown>)['creator_username'] = 'a\u0000b';
    const huge = order();
    (skusOf(huge)[0] as Record<string, unknown>)['commission_model'] = 'x'.repeat(70_000);
    const r = normalizeSellerOrders([uni, nul, huge], ctx(SHOP));
    expect(r.rows.sellerOrderSkus[0]?.['creator_username']).toBe('nguyễn_văn 🎁 東京');
    expect(r.rejected.map((x) => x.reason)).toEqual(['bad_unicode', 'too_large:skus[0].commission_model']);
  });

  it('rejects numeric order ids beyond 2^53 but accepts exact ones as strings', () => {
    const unsafe = order();
    // What JSON.parse makes of an unquoted 64-bit id: an already rounded double.
    unsafe['id'] = JSON.parse('579125529499110202');
    const safe = order();
    safe['id'] = 12345;
    const r = normalizeSellerOrders([unsafe, safe], ctx(SHOP));
    expect(r.rejected[0]?.reason).toBe('unsafe_id:id');
    // The rounded number names another order: the quarantine row must not vouch for it.
    expect(r.rejected[0]?.recordKey).toBeNull();
    expect(r.rows.sellerOrders[0]?.['order_id']).toBe('12345');
  });
});
