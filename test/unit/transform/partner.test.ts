import { describe, expect, it } from 'vitest';
import { normalizeCampaignCreatorFulfillment } from '../../../src/transform/campaign-creator-fulfillment.ts';
import { normalizePartnerCampaignProducts } from '../../../src/transform/partner-campaign-products.ts';
import { normalizePartnerCampaigns } from '../../../src/transform/partner-campaigns.ts';
import { clone, ctx, example, exampleList, NOW } from './examples.ts';

const PARTNER = 'TTP_XF90igAAAABh0sddwer0qsWgt233vOiG';

describe('normalizePartnerCampaigns (docs/tiktok-api.md#partner-campaigns list + docs/tiktok-api.md#campaign-detail detail)', () => {
  const summary = () =>
    clone(exampleList('affiliate-partner-202405-campaigns', 'campaigns')[0] as Record<string, unknown>);
  const detail = () => clone(example('affiliate-partner-202405-campaign-detail').data);

  it('maps list + detail exactly (the detail wins where both have a field)', () => {
    // The two official samples describe different campaigns: pair the detail with a matching summary.
    const s = { ...summary(), id: '7356876895365105455' };
    const r = normalizePartnerCampaigns([{ summary: s, detail: detail() }], ctx(PARTNER));
    expect(r.rejected).toEqual([]);
    expect(r.unknownEnums).toEqual({});
    expect(r.rows.partnerCampaigns).toEqual([
      {
        partner_id: PARTNER,
        campaign_id: '7356876895365105455',
        name: 'test_campaign',
        status: 'READY',
        registration_start_time: new Date('2024-04-12T17:00:00.000Z'),
        registration_end_time: new Date('2024-04-23T16:59:59.000Z'),
        campaign_start_time: new Date('2024-04-12T17:00:00.000Z'),
        campaign_end_time: new Date('2024-05-16T16:59:59.000Z'),
        region: 'US',
        commission_rate_bps: 1000,
        description: 'Campaign for api test.',
        target_shops: [{ code: 'THCBELNL4Y', name: 'my_shop' }],
        target_seller_types: ['LOCAL'],
        contact_info: {
          whatsapp: '+14255550100',
          email: '123456@gmail.com',
          phone: '+14255550100',
          zalo: '+14255550100',
          viber: '+14255550100',
          line: '+14255550100',
        },
        detail_fetched: true,
        raw: s,
        raw_detail: detail(),
      },
    ]);
  });

  it('without detail: list fields only, detail-only columns null', () => {
    const r = normalizePartnerCampaigns([{ summary: summary(), detail: null }], ctx(PARTNER));
    expect(r.rows.partnerCampaigns[0]).toMatchObject({
      campaign_id: '7360590375814268715',
      name: 'test',
      region: null,
      commission_rate_bps: null,
      target_seller_types: null,
      detail_fetched: false,
      raw_detail: null,
    });
  });

  it('rejects a mismatched detail, a non-list target_seller_types; counts unknown seller types', () => {
    const odd = { ...detail(), target_seller_types: ['LOCAL', 'GLOBAL'] };
    const notList = { ...detail(), target_seller_types: 'LOCAL' };
    const s = { ...summary(), id: '7356876895365105455' };
    const r = normalizePartnerCampaigns(
      [
        { summary: summary(), detail: detail() },
        { summary: s, detail: notList },
        { summary: s, detail: odd },
      ],
      ctx(PARTNER),
    );
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'detail_mismatch',
      'wrong_type:detail.target_seller_types',
    ]);
    expect(r.unknownEnums).toEqual({ 'detail.target_seller_types[]=GLOBAL': 1 });
    expect(r.rows.partnerCampaigns[0]?.['target_seller_types']).toEqual(['LOCAL', 'GLOBAL']);
  });
});

describe('normalizePartnerCampaignProducts (docs/tiktok-api.md#campaign-products)', () => {
  const records = () => exampleList('affiliate-partner-202405-campaign-products', 'products');

  it('maps the official example exactly', () => {
    const r = normalizePartnerCampaignProducts(
      records(),
      ctx(PARTNER, { campaign_id: '7360590375814268715' }),
    );
    expect(r.rejected).toEqual([]);
    const rec = records()[0] as Record<string, unknown>;
    expect(r.rows.partnerCampaignProducts).toEqual([
      {
        partner_id: PARTNER,
        campaign_id: '7360590375814268715',
        product_id: '1729442777527587334',
        name: 'test case number 4',
        review_status: 'PENDING',
        shop_name: 'my_shop',
        main_image_url: rec['main_image_url'],
        lowest_price_amount: '1.1000',
        lowest_price_currency: 'USD',
        highest_price_amount: '12.2100',
        highest_price_currency: 'USD',
        inventory: 89,
        total_commission_rate_bps: 6600,
        creator_commission_rate_bps: 1000,
        partner_commission_rate_bps: 5600,
        open_collaboration_commission_rate_bps: 1000,
        is_available: true,
        product_sales: 10,
        category_id: '12222',
        category_name: 'COMPUTER',
        sample_quota: 12,
        product_description: '<p>This is an example product description.</p>',
        sku_information_list: rec['sku_information_list'],
        raw: rec,
      },
    ]);
  });

  it('rejects a product whose sku list exceeds 64 KiB, and needs scope.campaign_id', () => {
    const big = clone(records()[0] as Record<string, unknown>);
    big['sku_information_list'] = Array.from({ length: 2000 }, (_, i) => ({
      sku_id: String(i),
      sku_name: 'x'.repeat(40),
    }));
    const r = normalizePartnerCampaignProducts([big], ctx(PARTNER, { campaign_id: 'c' }));
    expect(r.rejected[0]?.reason).toBe('too_large:sku_information_list');
    expect(normalizePartnerCampaignProducts(records(), ctx(PARTNER)).rejected[0]?.reason).toBe(
      'bad_context:scope.campaign_id',
    );
  });
});

describe('normalizeCampaignCreatorFulfillment (docs/tiktok-api.md#creator-fulfillment, 202508)', () => {
  const records = () =>
    exampleList('affiliate-partner-202508-creator-fulfillment-status-info', 'promotion_creators');
  const scope = { campaign_id: '7360590375814268715', product_id: '1729442777527587334' };
  const OPEN_ID = 'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg';

  it('maps the official example: string bps commission, string-ms times, daily row on the sync date', () => {
    const r = normalizeCampaignCreatorFulfillment(records(), ctx(PARTNER, scope));
    expect(r.rejected).toEqual([]);
    expect(r.unknownEnums).toEqual({});
    const rec = records()[0] as Record<string, unknown>;
    const metrics = {
      paid_amount: '3.0000',
      paid_amount_currency: 'USD',
      room_count: 1,
      video_count: 1,
      free_sample_status: 'AWAITING_COLLECTION',
      commission_bps: 100,
      creator_follower_num: 19,
    };
    const key = { partner_id: PARTNER, ...scope, creator_open_id: OPEN_ID };
    expect(r.rows.campaignCreatorFulfillment).toEqual([
      {
        ...key,
        creator_user_name: 'us_lxq6213',
        creator_nick_name: 'Test_Creator_E',
        creator_avatar_url: (rec['creator'] as Record<string, unknown>)['avatar_url'],
        affiliate_product_id: '123456789',
        ...metrics,
        effective_start_time: new Date('2024-11-07T22:51:20.391Z'),
        effective_end_time: new Date('2024-11-07T22:54:00.687Z'),
        raw: rec,
      },
    ]);
    expect(r.rows.campaignCreatorFulfillmentDaily).toEqual([
      { ...key, snapshot_date: '2026-11-21', ...metrics },
    ]);
  });

  it('snapshot_date is the UTC date of ctx.now, not of the wall clock', () => {
    const late = { ownerId: PARTNER, now: new Date('2026-11-21T23:59:59.999-05:00'), scope };
    expect(
      normalizeCampaignCreatorFulfillment(records(), late).rows.campaignCreatorFulfillmentDaily[0]?.[
        'snapshot_date'
      ],
    ).toBe('2026-11-22');
    expect(NOW.toISOString()).toBe('2026-11-21T12:00:00.000Z');
  });

  it('also reads epoch seconds (the doc says "Unix epoch")', () => {
    const rec = { ...clone(records()[0] as Record<string, unknown>), effective_start_time: 1731019880 };
    const row = normalizeCampaignCreatorFulfillment([rec], ctx(PARTNER, scope)).rows
      .campaignCreatorFulfillment[0];
    expect(row?.['effective_start_time']).toEqual(new Date('2024-11-07T22:51:20.000Z'));
  });

  it('rejects a 202501 record with only creator_temp_id, and commission that is money-shaped', () => {
    const temp = clone(records()[0] as Record<string, unknown>);
    const creator = temp['creator'] as Record<string, unknown>;
    delete creator['creator_open_id'];
    creator['creator_temp_id'] = 'tmp-1';
    const money = { ...clone(records()[0] as Record<string, unknown>), commission: '1.50' };
    const r = normalizeCampaignCreatorFulfillment([temp, money], ctx(PARTNER, scope));
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'missing_field:creator.creator_open_id',
      'bad_bps:commission',
    ]);
    expect(r.rejected[0]?.detail).toContain('creator_temp_id');
    expect(r.rows.campaignCreatorFulfillmentDaily).toEqual([]);
  });

  it('needs campaign_id and product_id in scope', () => {
    const r = normalizeCampaignCreatorFulfillment(records(), ctx(PARTNER, { campaign_id: 'c' }));
    expect(r.rejected[0]).toMatchObject({ reason: 'bad_context:scope.product_id', recordKey: OPEN_ID });
  });
});
