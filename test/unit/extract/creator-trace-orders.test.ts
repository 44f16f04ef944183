import { describe, expect, it } from 'vitest';
import { traceOrderId, traceToCreatorOrder } from '../../../src/extract/creator-trace-orders.ts';
import { normalizeCreatorOrders } from '../../../src/transform/index.ts';

const ID = '7812345678901234567';
const money = (amount: string) => ({ amount, currency: 'USD' });

/** A 202410 creator order (as stored) and the same order as the trace search returns it. */
function pair() {
  const sku = {
    id: '1729000000000000001',
    target_collaboration_id: '73000000001',
    product_name: 'p',
    product_id: '1729000000000000999',
    price: money('10.00'),
    shop_name: 'Shop',
    content_type: 'VIDEO',
    quantity: 1,
    commission_rate: 1000,
    commission_bonus_rate: 0,
    shop_ads_commission_rate: 0,
    estimated_commission_base: money('10.00'),
    estimated_commission: money('1.00'),
    returned_quantity: 0,
    refunded_quantity: 0,
    creator_commission_reward_rate: 0,
    estimated_creator_commission_reward_fee: money('0.00'),
  };
  const stored = {
    id: ID,
    create_time: 1_700_000_000,
    delivery_time: 1_700_100_000,
    status: 'ORDERED',
    skus: [
      { ...sku, commission_model: 'Tiered commission', commission_tier_setting: '3.0 OR 5.0', tag: 't-1' },
    ],
  };
  const settled = { ...sku, actual_commission: money('1.00') };
  const trace = {
    id: ID, // as the client's parse leaves it: the exact digits
    create_time: 1_700_000_000,
    delivery_time: 1_700_100_000,
    status: 'SETTLED',
    skus: [
      { ...settled, delivery_time: 1_700_100_000, trace: { id: '77000000000000001', type: 'SPECIFIC' } },
    ],
  };
  const expected = {
    ...stored,
    status: 'SETTLED',
    skus: [{ ...stored.skus[0], actual_commission: money('1.00') }],
  };
  return { stored, trace, expected };
}

describe('traceToCreatorOrder', () => {
  it('gives the 202410 record: trace-only fields dropped, the dropped ones restored from the stored order', () => {
    const { stored, trace, expected } = pair();
    const mapped = traceToCreatorOrder(trace, stored);
    expect(mapped).toEqual({ record: expected, orderId: ID, complete: true });
    // The same rows as the 202410 search would have given.
    const ctx = { ownerId: 'creator-1', now: new Date(0) };
    expect(normalizeCreatorOrders([mapped.record], ctx)).toEqual(normalizeCreatorOrders([expected], ctx));
  });

  it('an order the warehouse does not hold is mapped without the dropped fields and reported incomplete', () => {
    const { trace } = pair();
    const mapped = traceToCreatorOrder(trace, undefined);
    expect(mapped.complete).toBe(false);
    const sku = (mapped.record as { skus: Record<string, unknown>[] }).skus[0]!;
    expect(sku).not.toHaveProperty('trace');
    expect(sku).not.toHaveProperty('delivery_time');
    expect(sku).not.toHaveProperty('tag');
  });

  it('a numeric id is text when a double holds it exactly; a rounded one is dropped so the record is quarantined', () => {
    expect(traceOrderId(12345)).toBe('12345');
    expect(traceOrderId(ID)).toBe(ID);
    expect(traceOrderId(Number(ID))).toBeNull();
    const { trace, stored } = pair();
    const mapped = traceToCreatorOrder({ ...trace, id: Number(ID) }, stored);
    expect(mapped.orderId).toBeNull();
    const result = normalizeCreatorOrders([mapped.record], { ownerId: 'creator-1', now: new Date(0) });
    expect(result.rejected).toHaveLength(1);
  });
});
