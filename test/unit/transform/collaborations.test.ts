import { describe, expect, it } from 'vitest';
import { normalizeOpenCollaborationProducts } from '../../../src/transform/open-collaboration-products.ts';
import { normalizeOpenCollaborations } from '../../../src/transform/open-collaborations.ts';
import { normalizeTargetCollaborations } from '../../../src/transform/target-collaborations.ts';
import { clone, ctx, example, exampleList } from './examples.ts';

const SHOP = '7000714532876273420';

describe('normalizeOpenCollaborations (docs/tiktok-api.md#open-collaborations)', () => {
  const records = () =>
    exampleList('affiliate-seller-202412-open-collaborations-search', 'open_collaborations');

  it('maps the official example exactly', () => {
    const r = normalizeOpenCollaborations(records(), ctx(SHOP));
    expect(r.rejected).toEqual([]);
    expect(r.unknownEnums).toEqual({});
    expect(r.rows.openCollaborations).toEqual([
      {
        shop_id: SHOP,
        open_collaboration_id: '94297006405',
        status: 'NORMAL',
        current_commission_rate_bps: 3000,
        current_commission_start_time: new Date('2024-09-03T03:33:42.000Z'),
        current_commission_end_time: new Date('2024-09-29T16:00:00.000Z'),
        showcase_creator_count: 15,
        content_creator_count: 10,
        product_id: '1729432087292775344',
        product_title: 'Blue t-shirt',
        product_main_image_url:
          'https://p16-oec-va.ibyteimg.com/tos-maliva-i-o3syd03w52-us/fa0387fa5a204dcfa44d5be75877a163~tplv-o3syd03w52-origin-webp.webp?from=3478900499',
        product_status: 'LIVE',
        product_inventory: 1274,
        product_original_price_min_amount: '12.2100',
        product_original_price_max_amount: '100.0000',
        product_original_price_currency: 'USD',
        require_seller_approve_creator: null,
        raw: records()[0],
      },
    ]);
  });

  it('reads the 202409 require_seller_approve_creator and tolerates a missing product', () => {
    const rec = clone(records()[0] as Record<string, unknown>);
    rec['require_seller_approve_creator'] = true;
    delete rec['product'];
    const row = normalizeOpenCollaborations([rec], ctx(SHOP)).rows.openCollaborations[0];
    expect(row).toMatchObject({
      require_seller_approve_creator: true,
      product_id: null,
      product_original_price_currency: null,
    });
  });

  it('rejects a bad range amount and keeps the page going', () => {
    const bad = clone(records()[0] as Record<string, unknown>);
    bad['id'] = '1';
    (bad['product'] as Record<string, unknown>)['original_price'] = {
      currency: 'USD',
      minimum_amount: 'n/a',
    };
    const r = normalizeOpenCollaborations([bad, ...records()], ctx(SHOP));
    expect(r.rejected[0]).toMatchObject({
      reason: 'bad_money:product.original_price.minimum_amount',
      recordKey: '1',
    });
    expect(r.rows.openCollaborations).toHaveLength(1);
  });
});

describe('normalizeOpenCollaborationProducts (docs/tiktok-api.md#open-collaboration-product-search)', () => {
  const records = () =>
    exampleList('affiliate-seller-202405-open-collaborations-products-search', 'products');

  it('maps the official example exactly (rate bps + commission money + two price ranges)', () => {
    const r = normalizeOpenCollaborationProducts(records(), ctx(SHOP, { search_id: 'ss-1' }));
    expect(r.rejected).toEqual([]);
    const rec = records()[0] as Record<string, unknown>;
    expect(r.rows.openCollaborationProducts).toEqual([
      {
        search_id: 'ss-1',
        product_id: '1729432087292775344',
        shop_id: SHOP,
        title: 'Blue t-shirt',
        shop_name: 'Test shop',
        has_inventory: false,
        units_sold: 12123,
        sale_region: 'ID',
        main_image_url: rec['main_image_url'],
        detail_link: 'https://shop.tiktok.com/view/product/1729624807198591373?region=ID&local=en',
        original_price_min_amount: '12.2100',
        original_price_max_amount: '100.0000',
        original_price_currency: 'USD',
        sales_price_min_amount: '34.3000',
        sales_price_max_amount: '55.7000',
        sales_price_currency: 'USD',
        category_chains: [{ id: '343554', local_name: 'COMPUTER', is_leaf: false, parent_id: '342948' }],
        commission_rate_bps: 3000,
        commission_amount: '121.3200',
        commission_currency: 'USD',
        raw: rec,
      },
    ]);
  });

  it('units_sold hidden without data-sharing consent stays null, not zero', () => {
    const rec = clone(records()[0] as Record<string, unknown>);
    delete rec['units_sold'];
    const row = normalizeOpenCollaborationProducts([rec], ctx(SHOP, { search_id: 's' })).rows
      .openCollaborationProducts[0];
    expect(row?.['units_sold']).toBeNull();
  });

  it('without scope.search_id every record is rejected with a clear reason (no throw)', () => {
    const r = normalizeOpenCollaborationProducts(records(), ctx(SHOP));
    expect(r.rows.openCollaborationProducts).toEqual([]);
    expect(r.rejected).toMatchObject([
      { reason: 'bad_context:scope.search_id', recordKey: '1729432087292775344' },
    ]);
  });
});

describe('normalizeTargetCollaborations (docs/tiktok-api.md#target-collaborations search + docs/tiktok-api.md#target-collaboration-detail detail)', () => {
  const search = () =>
    clone(exampleList('affiliate-seller-202508-target-collaborations-search', 'target_collaborations')[0]);
  const detailData = () => clone(example('affiliate-seller-202508-target-collaboration-detail').data);
  const detail = () => detailData()['target_collaboration'] as Record<string, unknown>;

  it('maps search + detail exactly: typo field, string-seconds effective_time, open-id creator key', () => {
    const r = normalizeTargetCollaborations(
      [{ search: search(), detail: detail(), collaboration_status: 'ONGOING' }],
      ctx(SHOP),
    );
    expect(r.rejected).toEqual([]);
    expect(r.unknownEnums).toEqual({});
    const at = new Date('2024-05-14T02:38:50.000Z');
    const { products, creators, ...detailHeader } = detail();
    expect(r.rows.targetCollaborations).toEqual([
      {
        shop_id: SHOP,
        target_collaboration_id: '789078671231123124',
        collaboration_status: 'ONGOING',
        name: 'target_collaboration',
        message: 'test',
        type: 'STANDARD',
        start_time: at,
        end_time: at,
        update_time: at,
        creator_invited_count: 10,
        showcase_creator_count: 2,
        content_creator_count: 1,
        product_count: 30,
        has_free_sample: true,
        is_sample_approval_exempt: true,
        seller_contact_email: 'test@bytedance.com',
        detail_fetched: true,
        raw: search(),
        raw_detail: detailHeader,
      },
    ]);
    expect(products).toBeDefined();
    expect(creators).toBeDefined();
    expect(r.rows.targetCollaborationProducts).toEqual([
      {
        shop_id: SHOP,
        target_collaboration_id: '789078671231123124',
        product_id: '789078671231312312',
        title: 'Christmas Gift',
        main_image_url: 'https://p16-sign-useast2a.tiktokcdn.com/tos-useast2a/12345~c5_168x168.webp',
        status: 'LIVE',
        collaboration_status: 'NORMAL',
        commission_effective_status: 'EFFECTIVE_ALL',
        original_price_min_amount: '12.2100',
        original_price_max_amount: '100.0000',
        original_price_currency: 'USD',
        commission_rate_bps: 3000,
        shop_ads_commission_rate_bps: 100,
        commission_effective_time: at,
        commission_min_amount: '34.3000',
        commission_max_amount: '55.7000',
        commission_currency: 'USD',
        raw: (detail()['products'] as unknown[])[0],
      },
    ]);
    expect(r.rows.targetCollaborationCreators).toEqual([
      {
        shop_id: SHOP,
        target_collaboration_id: '789078671231123124',
        creator_key: 'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg',
        creator_open_id: 'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg',
        user_id: null,
        username: '123456',
        nickname: '123456',
        avatar_url:
          'https://p16-sign-useast2a.tiktokcdn.com/tos-useast2a-avt-0068-giso/2bf6a2485ec8bf93483e4a6ed907e6fd~c5_720x720.webp',
        selection_region: 'US',
        showcase_product_count: 2,
        content_product_count: 1,
        collaboration_status: 'NORMAL',
        product_effective_status: 'EFFECTIVE_ALL',
        raw: (detail()['creators'] as unknown[])[0],
      },
    ]);
  });

  it('accepts the detail as the whole `data` object too', () => {
    const r = normalizeTargetCollaborations([{ search: search(), detail: detailData() }], ctx(SHOP));
    expect(r.rejected).toEqual([]);
    expect(r.rows.targetCollaborationProducts).toHaveLength(1);
  });

  it('without a detail: header from the search (typo field), no member rows, detail_fetched false', () => {
    const r = normalizeTargetCollaborations(
      [{ search: search(), detail: null, collaboration_status: 'EXPIRING' }],
      ctx(SHOP),
    );
    expect(r.rows.targetCollaborations[0]).toMatchObject({
      collaboration_status: 'EXPIRING',
      creator_invited_count: 10,
      seller_contact_email: null,
      detail_fetched: false,
      raw_detail: null,
    });
    expect(r.rows.targetCollaborationProducts).toEqual([]);
    expect(r.rows.targetCollaborationCreators).toEqual([]);
  });

  it('a product or creator listed twice in one detail is kept once: the last occurrence wins', () => {
    const d = detail();
    const products = d['products'] as Record<string, unknown>[];
    const first = products[0] as Record<string, unknown>;
    products.push({ ...clone(first), commission: { rate: 2000, effective_time: '1715654330' } });
    const creators = d['creators'] as Record<string, unknown>[];
    creators.push(clone(creators[0] as Record<string, unknown>));
    const r = normalizeTargetCollaborations([{ search: search(), detail: d }], ctx(SHOP));
    expect(r.rows.targetCollaborationProducts).toHaveLength(1);
    expect(r.rows.targetCollaborationProducts[0]?.['commission_rate_bps']).toBe(2000);
    expect(r.rows.targetCollaborationCreators).toHaveLength(1);
  });

  it('keys creators without open id (202412) by username', () => {
    const d = detail();
    const c = (d['creators'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    delete c['creator_open_id'];
    const r = normalizeTargetCollaborations([{ search: search(), detail: d }], ctx(SHOP));
    expect(r.rows.targetCollaborationCreators[0]).toMatchObject({
      creator_key: '123456',
      creator_open_id: null,
    });
  });

  it('rejects the whole item for a creator with no key, a bad product, or a mismatched detail', () => {
    const noKey = detail();
    const c = (noKey['creators'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    delete c['creator_open_id'];
    delete c['username'];
    const badProduct = detail();
    ((badProduct['products'] as Record<string, unknown>[])[0] as Record<string, unknown>)['commission'] = {
      rate: 3000,
      effective_time: 'yesterday',
    };
    const other = detail();
    other['id'] = '1';
    const r = normalizeTargetCollaborations(
      [
        { search: search(), detail: noKey },
        { search: search(), detail: badProduct },
        { search: search(), detail: other },
        { detail: detail() },
      ],
      ctx(SHOP),
    );
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'missing_field:detail.creators[0].creator_open_id',
      'bad_time:detail.products[0].commission.effective_time',
      'detail_mismatch',
      'missing_field:search',
    ]);
    expect(r.rejected[0]?.recordKey).toBe('789078671231123124');
    expect(r.rows.targetCollaborations).toEqual([]);
  });

  it('counts an unknown collaboration_status filter and product status', () => {
    const d = detail();
    ((d['products'] as Record<string, unknown>[])[0] as Record<string, unknown>)['status'] = 'ARCHIVED';
    const r = normalizeTargetCollaborations(
      [{ search: search(), detail: d, collaboration_status: 'PAUSED' }],
      ctx(SHOP),
    );
    expect(r.unknownEnums).toEqual({
      'collaboration_status=PAUSED': 1,
      'detail.products[].status=ARCHIVED': 1,
    });
  });
});
