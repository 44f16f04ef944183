/**
 * Products of one partner campaign (docs/tiktok-api.md#campaign-products, GET /affiliate_partner/202405/campaigns/{id}/products)
 * -> partnerCampaignProducts. ctx.ownerId is the category asset cipher; ctx.scope.campaign_id the campaign.
 * All rates here are int bps; prices are `{currency, amount}` money values (docs/tiktok-api.md#campaign-products).
 */
import type { RecordContract } from './contract.ts';
import { REVIEW_STATUS } from './enums.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField, moneyCols } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'partnerCampaignProducts';

/** A campaign product is its id, review status and commission split; the listing details may be absent. */
export const partnerCampaignProductContract: RecordContract = {
  record: 'one product of data.products[] (partner campaign product list 202405)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the product key' },
    { field: 'review_status', kind: 'enum', required: true },
    { field: 'total_commission_rate', kind: 'bps', required: true },
    { field: 'product_sales', kind: 'count', required: false },
    { field: 'sku_information_list', kind: 'list', required: false, fields: [], note: 'stored as jsonb' },
  ],
};

function mapProduct(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const p = Reader.of(raw, '', tally);
  const category = p.child('category');
  const row = {
    partner_id: ctx.ownerId,
    campaign_id: ctx.scope?.['campaign_id'],
    product_id: p.requireId('id'),
    name: p.text('name'),
    review_status: p.enumOf('review_status', REVIEW_STATUS),
    shop_name: p.text('shop_name'),
    main_image_url: p.text('main_image_url'),
    ...moneyCols('lowest_price', p.money('lowest_price')),
    ...moneyCols('highest_price', p.money('highest_price')),
    inventory: p.count('inventory'),
    total_commission_rate_bps: p.bps('total_commission_rate'),
    creator_commission_rate_bps: p.bps('creator_commission_rate'),
    partner_commission_rate_bps: p.bps('partner_commission_rate'),
    open_collaboration_commission_rate_bps: p.bps('open_collaboration_commission_rate'),
    is_available: p.bool('is_available'),
    product_sales: p.count('product_sales'),
    category_id: category?.id('id') ?? null,
    category_name: category?.text('name') ?? null,
    sample_quota: p.count('sample_quota'),
    product_description: p.text('product_description'),
    sku_information_list: p.json('sku_information_list', 'list'),
    raw: p.obj,
  };
  return { partnerCampaignProducts: [row] };
}

const spec: StreamSpec<Tables> = {
  tables: ['partnerCampaignProducts'],
  scopeKeys: ['campaign_id'],
  contract: partnerCampaignProductContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  stored: {
    tables: ['partnerCampaignProducts'],
    key: (raw, ctx) => ({
      partner_id: ctx.ownerId,
      campaign_id: ctx.scope?.['campaign_id'],
      product_id: fieldOf(raw, 'id'),
    }),
  },
  map: mapProduct,
};

export function normalizePartnerCampaignProducts(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
