import { describe, expect, it } from 'vitest';
import { normalizeCampaignProductPerformance } from '../../../src/transform/campaign-product-performance.ts';
import { ctx, NOW } from './examples.ts';
import { performanceExample } from './performance-example.ts';

const PARTNER = 'TTP_ROW_RHkDDABBAAB8tKAVoAqsMTjsQZFLyNfY';
const SCOPE = { campaign_id: '7356876895365105455' };

describe('normalizeCampaignProductPerformance: strings everywhere, bare decimals, ms strings', () => {
  it('maps the current state and one daily row, every indicator parsed from its string', () => {
    const r = normalizeCampaignProductPerformance([performanceExample()], ctx(PARTNER, SCOPE));
    expect(r.rejected).toEqual([]);
    expect(r.unknownEnums).toEqual({});
    const { raw, ...current } = r.rows.campaignProductPerformance[0] as Record<string, unknown>;
    const indicators = {
      paid_order_num: 42,
      actual_order_num: 40,
      estimated_amount: '415.8000',
      estimated_amount_currency: 'USD',
      actual_amount: '396.0000',
      actual_amount_currency: 'USD',
      estimated_partner_commission_amount: '20.7900',
      estimated_partner_commission_currency: 'USD',
      actual_partner_commission_amount: '19.8000',
      actual_partner_commission_currency: 'USD',
      creator_sales_num: 3,
      collaborated_creators_num: 5,
      promoted_creator_num: 4,
      sample_requested_creator_num: 2,
    };
    expect(current).toEqual({
      partner_id: PARTNER,
      campaign_id: SCOPE.campaign_id,
      product_id: '1729442777527587334',
      product_status: 'PRODUCT_APPROVED',
      product_name: 'Blue t-shirt',
      product_stock_count: 120,
      total_commission_percent_bps: 2000,
      creator_commission_percent_bps: 1500,
      partner_commission_percent_bps: 500,
      plan_commission_percent_bps: 1000,
      product_price_min_amount: '9.9000',
      product_price_max_amount: '19.9000',
      product_price_currency: 'USD',
      product_thumbnail_url: 'https://p16.example/abc.webp',
      data_update_time: new Date(1736204400000),
      ...indicators,
    });
    expect(raw).toEqual(performanceExample());
    expect(r.rows.campaignProductPerformanceDaily).toEqual([
      {
        partner_id: PARTNER,
        campaign_id: SCOPE.campaign_id,
        product_id: '1729442777527587334',
        snapshot_date: NOW.toISOString().slice(0, 10),
        ...indicators,
      },
    ]);
  });

  it('a localized or non-numeric amount is quarantined, naming the field', () => {
    const bad = performanceExample();
    const data = (bad['campaign_product_detail'] as Record<string, Record<string, unknown>>)[
      'indicator_data'
    ]!;
    data['actual_amount'] = 'n/a';
    const r = normalizeCampaignProductPerformance([bad], ctx(PARTNER, SCOPE));
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'bad_money:campaign_product_detail.indicator_data.actual_amount',
    ]);
    expect(r.rejected[0]?.stored?.key).toEqual({
      partner_id: PARTNER,
      campaign_id: SCOPE.campaign_id,
      product_id: '1729442777527587334',
    });
  });

  it('without the campaign in scope nothing is written', () => {
    const r = normalizeCampaignProductPerformance([performanceExample()], ctx(PARTNER));
    expect(r.rejected.map((x) => x.reason)).toEqual(['bad_context:scope.campaign_id']);
  });
});
