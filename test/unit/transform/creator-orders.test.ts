import { describe, expect, it } from 'vitest';
import { normalizeCreatorOrders } from '../../../src/transform/creator-orders.ts';
import { clone, ctx, exampleList } from './examples.ts';

const CREATOR = 'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg';
const orders = () => exampleList('affiliate-creator-202410-orders-search', 'orders');
const order = () => clone(orders()[0] as Record<string, unknown>);
const skusOf = (o: Record<string, unknown>) => o['skus'] as Record<string, unknown>[];

describe('normalizeCreatorOrders: the official example (docs/tiktok-api.md#creator-orders, localized "Rp" amounts)', () => {
  const result = normalizeCreatorOrders(orders(), ctx(CREATOR));

  it('nothing rejected, no unknown enum', () => {
    expect(result.rejected).toEqual([]);
    expect(result.unknownEnums).toEqual({});
  });

  it('maps the header with totals over the lines', () => {
    const { raw, ...header } = result.rows.creatorOrders[0] as Record<string, unknown>;
    expect(header).toEqual({
      creator_id: CREATOR,
      order_id: '789078671231123124',
      status: 'SETTLED',
      create_time: new Date('2023-05-31T16:00:00.000Z'),
      delivery_time: new Date('2023-05-31T16:00:00.000Z'),
      sku_count: 1,
      total_quantity: 2,
      total_estimated_commission_amount: '1980.0000',
      total_estimated_commission_currency: 'IDR',
      total_actual_commission_amount: '1900.0000',
      total_actual_commission_currency: 'IDR',
    });
    // The whole order as received, lines included: the line rows keep no copy of their own.
    expect(raw).toEqual(order());
  });

  it('parses "Rp9.900" as 9900 and "Rp1.00" as 1.00, int bps as given', () => {
    const line = result.rows.creatorOrderSkus[0] as Record<string, unknown>;
    expect(line).toEqual({
      creator_id: CREATOR,
      order_id: '789078671231123124',
      sku_id: '1729793769377925388',
      line_index: 0,
      product_id: '1729793769377859852',
      product_name: 'black_suit',
      shop_name: 'TestCase idl2l',
      content_type: 'LIVE',
      content_id: '7493990579714164574',
      campaign_id: '73661290629',
      open_collaboration_id: '73661290629',
      target_collaboration_id: '73661290629',
      price_amount: '9900.0000',
      price_currency: 'IDR',
      quantity: 2,
      returned_quantity: 1,
      refunded_quantity: 0,
      commission_model: 'Tiered commission',
      commission_tier_setting: '3.0 OR 5.0',
      commission_rate_bps: 1000,
      commission_bonus_rate_bps: 1000,
      shop_ads_commission_rate_bps: 5000,
      creator_commission_reward_rate_bps: 1000,
      estimated_commission_base_amount: '9900.0000',
      estimated_commission_base_currency: 'IDR',
      estimated_commission_amount: '1980.0000',
      estimated_commission_currency: 'IDR',
      estimated_bonus_commission_amount: '1.0000',
      estimated_bonus_commission_currency: 'IDR',
      estimated_shop_ads_commission_amount: '8000.0000',
      estimated_shop_ads_commission_currency: 'IDR',
      estimated_creator_commission_reward_fee_amount: '250.0000',
      estimated_creator_commission_reward_fee_currency: 'IDR',
      actual_commission_base_amount: '9900.0000',
      actual_commission_base_currency: 'IDR',
      actual_commission_amount: '1900.0000',
      actual_commission_currency: 'IDR',
      actual_bonus_commission_amount: '2000.0000',
      actual_bonus_commission_currency: 'IDR',
      actual_shop_ads_commission_amount: '5000.0000',
      actual_shop_ads_commission_currency: 'IDR',
      actual_creator_commission_reward_fee_amount: '100.0000',
      actual_creator_commission_reward_fee_currency: 'IDR',
      tag: 'test-01',
    });
  });
});

describe('normalizeCreatorOrders: hostile variants', () => {
  it('accepts rates "formatted as a string" (docs/tiktok-api.md#creator-orders) as well as ints', () => {
    const o = order();
    const sku = skusOf(o)[0] as Record<string, unknown>;
    sku['commission_rate'] = '1000';
    sku['shop_ads_commission_rate'] = '0';
    const line = normalizeCreatorOrders([o], ctx(CREATOR)).rows.creatorOrderSkus[0];
    expect(line).toMatchObject({ commission_rate_bps: 1000, shop_ads_commission_rate_bps: 0 });
  });

  it('rejects an order repeating a sku id (two lines would collapse on the grain key)', () => {
    const o = order();
    const sku = skusOf(o)[0] as Record<string, unknown>;
    skusOf(o).push({ ...clone(sku), quantity: 1 });
    const r = normalizeCreatorOrders([o], ctx(CREATOR));
    expect(r.rows.creatorOrders).toEqual([]);
    expect(r.rows.creatorOrderSkus).toEqual([]);
    expect(r.rejected[0]).toMatchObject({
      reason: 'duplicate_key:skus[].id',
      recordKey: '789078671231123124',
    });
  });

  it('rejects a line without sku id, and the whole order with it', () => {
    const o = order();
    delete (skusOf(o)[0] as Record<string, unknown>)['id'];
    const r = normalizeCreatorOrders([o, order()], ctx(CREATOR));
    expect(r.rejected.map((x) => x.reason)).toEqual(['missing_field:skus[0].id']);
    expect(r.rows.creatorOrders).toHaveLength(1);
  });

  it('rejects an order whose line lacks its quantity or estimated commission (the header sums them)', () => {
    const noQuantity = order();
    delete (skusOf(noQuantity)[0] as Record<string, unknown>)['quantity'];
    const noEstimate = order();
    (skusOf(noEstimate)[0] as Record<string, unknown>)['estimated_commission'] = null;
    const r = normalizeCreatorOrders([noQuantity, noEstimate], ctx(CREATOR));
    expect(r.rejected.map((x) => [x.reason, x.detail])).toEqual([
      ['missing_field:skus[0].quantity', 'required field skus[0].quantity is absent'],
      [
        'missing_field:skus[0].estimated_commission',
        'required field skus[0].estimated_commission is null (summed into the header)',
      ],
    ]);
    expect(r.rows.creatorOrders).toEqual([]);
    expect(r.rows.creatorOrderSkus).toEqual([]);
  });

  it('keeps a missing actual commission as null: it only exists once the order settles', () => {
    const o = order();
    delete (skusOf(o)[0] as Record<string, unknown>)['actual_commission'];
    const r = normalizeCreatorOrders([o], ctx(CREATOR));
    expect(r.rejected).toEqual([]);
    expect(r.rows.creatorOrderSkus[0]).toMatchObject({ actual_commission_amount: null });
    expect(r.rows.creatorOrders[0]).toMatchObject({ total_actual_commission_amount: null });
  });

  it('counts an unknown creator status, and a seller status is unknown here', () => {
    const o = order();
    o['status'] = 'COMPLETED';
    expect(normalizeCreatorOrders([o], ctx(CREATOR)).unknownEnums).toEqual({ 'status=COMPLETED': 1 });
  });

  it('rejects negative quantities and absurd amounts', () => {
    const neg = order();
    (skusOf(neg)[0] as Record<string, unknown>)['quantity'] = -2;
    const absurd = order();
    (skusOf(absurd)[0] as Record<string, unknown>)['actual_commission'] = {
      amount: '1e400',
      currency: 'IDR',
    };
    const r = normalizeCreatorOrders([neg, absurd], ctx(CREATOR));
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'bad_int:skus[0].quantity',
      'bad_money:skus[0].actual_commission.amount',
    ]);
  });
});
