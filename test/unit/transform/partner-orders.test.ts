import { describe, expect, it } from 'vitest';
import { normalizePartnerOrders } from '../../../src/transform/partner-orders.ts';
import { ctx } from './examples.ts';
import { tapOrderExample } from './partner-order-example.ts';

const PARTNER = 'TTP_ROW_RHkDDABBAAB8tKAVoAqsMTjsQZFLyNfY';

describe('normalizePartnerOrders: TAP orders, skus as one object (as documented) or as a list', () => {
  it('a single skus object is a one-line order with totals and every money and rate column', () => {
    const r = normalizePartnerOrders([tapOrderExample()], ctx(PARTNER));
    expect(r.rejected).toEqual([]);
    expect(r.unknownEnums).toEqual({});
    const { raw, ...header } = r.rows.partnerOrders[0] as Record<string, unknown>;
    expect(header).toEqual({
      partner_id: PARTNER,
      order_id: '576470906384928384',
      status: 'COMPLETED',
      create_time: new Date(1731019880 * 1000),
      delivery_time: new Date(1731279080 * 1000),
      sku_count: 1,
      total_quantity: 2,
      total_estimated_tap_commission_amount: '1.9900',
      total_estimated_tap_commission_currency: 'USD',
      total_actual_tap_commission_amount: '1.0000',
      total_actual_tap_commission_currency: 'USD',
    });
    expect(raw).not.toHaveProperty('skus');
    const [line] = r.rows.partnerOrderSkus;
    expect(line).toMatchObject({
      partner_id: PARTNER,
      order_id: '576470906384928384',
      sku_id: '1729793769377925388',
      line_index: 0,
      campaign_id: '7356876895365105455',
      creator_username: 'us_lxq6213',
      creator_commission_rate_bps: 1000,
      tap_commission_rate_bps: 500,
      partner_commission_reward_rate_bps: 200,
      creator_commission_reward_rate_bps: 300,
      estimated_tap_commission_amount: '1.9900',
      actual_partner_commission_reward_fee_amount: '0.4000',
      returned_quantity: 1,
    });
  });

  it('the same line as a one-item list gives the same rows', () => {
    const single = tapOrderExample();
    const listed = { ...single, skus: [single['skus']] };
    const a = normalizePartnerOrders([single], ctx(PARTNER));
    const b = normalizePartnerOrders([listed], ctx(PARTNER));
    expect(b.rejected).toEqual([]);
    expect(b.rows.partnerOrderSkus).toEqual(a.rows.partnerOrderSkus);
    expect(b.rows.partnerOrders).toEqual(a.rows.partnerOrders);
  });

  it('a list of several lines: one row each, totals over all of them', () => {
    const o = tapOrderExample();
    const first = o['skus'] as Record<string, unknown>;
    const second = {
      ...first,
      id: '1729793769377925399',
      estimated_tap_commission: { amount: '3.01', currency: 'USD' },
    };
    const r = normalizePartnerOrders([{ ...o, skus: [first, second] }], ctx(PARTNER));
    expect(r.rejected).toEqual([]);
    expect(r.rows.partnerOrderSkus.map((l) => [l['sku_id'], l['line_index']])).toEqual([
      ['1729793769377925388', 0],
      ['1729793769377925399', 1],
    ]);
    expect(r.rows.partnerOrders[0]).toMatchObject({
      sku_count: 2,
      total_quantity: 4,
      total_estimated_tap_commission_amount: '5.0000',
    });
  });

  it('a bad field of the single object is quarantined with its path; nothing is written', () => {
    const o = tapOrderExample();
    delete (o['skus'] as Record<string, unknown>)['campaign_id'];
    const r = normalizePartnerOrders([o], ctx(PARTNER));
    expect(r.rejected.map((x) => x.reason)).toEqual(['missing_field:skus.campaign_id']);
    expect(r.rows.partnerOrders).toEqual([]);
    expect(r.rows.partnerOrderSkus).toEqual([]);
  });

  it('skus of neither shape, an empty list, or a repeated sku id reject the order', () => {
    const text = { ...tapOrderExample(), skus: 'one' };
    const empty = { ...tapOrderExample(), skus: [] };
    const o = tapOrderExample();
    const twice = { ...o, skus: [o['skus'], o['skus']] };
    const r = normalizePartnerOrders([text, empty, twice], ctx(PARTNER));
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'wrong_type:skus',
      'empty_list:skus',
      'duplicate_key:skus[].id',
    ]);
    expect(r.rows.partnerOrders).toEqual([]);
  });
});
