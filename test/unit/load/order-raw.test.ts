import { describe, expect, it } from 'vitest';
import { withRawApart } from '../../../src/load/order-raw.ts';
import { UpsertInputError } from '../../../src/load/upsert.ts';

const when = new Date('2024-07-31T10:03:06Z');

describe('withRawApart', () => {
  it("moves each seller and creator order's raw into a side row of the same key, input untouched", () => {
    const seller = { shop_id: 's', order_id: '1', create_time: when, status: 'PROCESSING', raw: { id: '1' } };
    const creator = { creator_id: 'c', order_id: '2', create_time: when, raw: { id: '2' } };
    const partner = { partner_id: 'p', order_id: '3', create_time: when, raw: { id: '3' } };
    const rows = { sellerOrders: [seller], creatorOrders: [creator], partnerOrders: [partner] };
    const out = withRawApart(rows);
    expect(out).toEqual({
      sellerOrders: [{ shop_id: 's', order_id: '1', create_time: when, status: 'PROCESSING' }],
      sellerOrderRaw: [{ shop_id: 's', order_id: '1', create_time: when, raw: { id: '1' } }],
      creatorOrders: [{ creator_id: 'c', order_id: '2', create_time: when }],
      creatorOrderRaw: [{ creator_id: 'c', order_id: '2', create_time: when, raw: { id: '2' } }],
      // Partner orders keep their raw on the order row.
      partnerOrders: [partner],
    });
    expect(rows.sellerOrders[0]).toHaveProperty('raw');
  });

  it('returns a page without seller or creator orders as it is', () => {
    const rows = { openCollaborations: [{ shop_id: 's', raw: {} }] };
    expect(withRawApart(rows)).toBe(rows);
  });

  it('refuses an order without raw: the record as sent is never dropped silently', () => {
    expect(() =>
      withRawApart({ creatorOrders: [{ creator_id: 'c', order_id: '9', create_time: when }] }),
    ).toThrow(new UpsertInputError('tiktok_affiliate.creator_orders: order 9 without raw'));
  });
});
