/**
 * Campaign product statistics (GET /affiliate_partner/202501/campaigns/{c}/products/performance,
 * data.campaign_product_statistics[]) -> campaignProductPerformance (current state) +
 * campaignProductPerformanceDaily (one row per UTC day of ctx.now). ctx.ownerId is the category
 * asset cipher; ctx.scope has campaign_id.
 *
 * Quirks handled: every indicator is a STRING (counts as digit strings, money as bare decimals with
 * no currency: the record's product_price currency is stored beside them); the four *_percent rates are strings in bps;
 * data_update_time is a string of milliseconds. The counters come from indicator_data, which
 * carries all of them; the duplicates at the top level of the record are left in raw.
 */
import { snapshotDateOf } from './campaign-creator-fulfillment.ts';
import type { RecordContract } from './contract.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField, setMoney } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'campaignProductPerformance' | 'campaignProductPerformanceDaily';

const PRODUCT_STATUS = [
  'PRODUCT_UNSPECIFIED',
  'PRODUCT_PENDING',
  'PRODUCT_APPROVED',
  'PRODUCT_REJECTED',
  'PRODUCT_PENDING_CLOSED',
  'PRODUCT_CLOSED',
] as const;

const COUNTS = [
  'paid_order_num',
  'actual_order_num',
  'creator_sales_num',
  'collaborated_creators_num',
  'promoted_creator_num',
  'sample_requested_creator_num',
] as const;

/** indicator_data money fields, sent as bare decimal strings. */
const AMOUNTS = [
  'estimated_amount',
  'actual_amount',
  'estimated_partner_commission',
  'actual_partner_commission',
] as const;

/**
 * A performance row IS its indicators: a NULL count or amount would overwrite the stored value and
 * write a false day into the history. The product id keys the grain.
 */
export const campaignProductPerformanceContract: RecordContract = {
  record: 'one entry of data.campaign_product_statistics[] (campaign product statistics list 202501)',
  fields: [
    { field: 'data_update_time', kind: 'epoch', required: false, note: 'string milliseconds' },
    {
      field: 'campaign_product_detail',
      kind: 'object',
      required: true,
      fields: [
        { field: 'product_id', kind: 'id', required: true, note: 'the row key' },
        {
          field: 'indicator_data',
          kind: 'object',
          required: true,
          note: 'every value a string',
          fields: [
            { field: 'paid_order_num', kind: 'count', required: true },
            { field: 'actual_order_num', kind: 'count', required: true },
            { field: 'estimated_amount', kind: 'text', required: true, note: 'a bare decimal, no currency' },
            { field: 'actual_amount', kind: 'text', required: true, note: 'a bare decimal, no currency' },
            { field: 'estimated_partner_commission', kind: 'text', required: true },
            { field: 'actual_partner_commission', kind: 'text', required: true },
          ],
        },
      ],
    },
  ],
};

function mapStatistics(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const r = Reader.of(raw, '', tally);
  const detail = r.child('campaign_product_detail') as Reader;
  const data = detail.child('indicator_data') as Reader;
  const key = {
    partner_id: ctx.ownerId,
    campaign_id: ctx.scope?.['campaign_id'],
    product_id: detail.requireId('product_id'),
  };
  const price = detail.child('product_price');
  // The amounts carry no currency: the product's price currency of the same record stands in.
  const currency = price?.text('currency') ?? null;
  const metrics: Record<string, unknown> = {};
  for (const f of COUNTS) metrics[f] = data.count(f);
  for (const f of AMOUNTS) {
    setMoney(metrics, f, {
      amount: data.moneyHere(f, '').amount,
      currency: currency === '' ? null : currency,
    });
  }
  const urls = detail.child('product_thumbnail')?.array('url_list') ?? [];
  const current = {
    ...key,
    product_status: detail.enumOf('product_status', PRODUCT_STATUS),
    product_name: detail.text('product_name'),
    product_stock_count: detail.count('product_stock_count'),
    total_commission_percent_bps: detail.bps('total_commission_percent'),
    creator_commission_percent_bps: detail.bps('creator_commission_percent'),
    partner_commission_percent_bps: detail.bps('partner_commission_percent'),
    plan_commission_percent_bps: detail.bps('plan_commission_percent'),
    product_price_min_amount: price?.moneyHere('min_price', 'currency').amount ?? null,
    product_price_max_amount: price?.moneyHere('max_price', 'currency').amount ?? null,
    product_price_currency: price?.text('currency') ?? null,
    product_thumbnail_url: typeof urls[0] === 'string' ? urls[0] : null,
    data_update_time: r.time('data_update_time'),
    ...metrics,
    raw: r.obj,
  };
  const daily = { ...key, snapshot_date: snapshotDateOf(ctx.now), ...metrics };
  return { campaignProductPerformance: [current], campaignProductPerformanceDaily: [daily] };
}

const spec: StreamSpec<Tables> = {
  tables: ['campaignProductPerformance', 'campaignProductPerformanceDaily'],
  scopeKeys: ['campaign_id'],
  contract: campaignProductPerformanceContract,
  keyOf: (raw) => keyOfField(raw, 'campaign_product_detail', 'product_id'),
  stored: {
    tables: ['campaignProductPerformance'],
    key: (raw, ctx) => ({
      partner_id: ctx.ownerId,
      campaign_id: ctx.scope?.['campaign_id'],
      product_id: fieldOf(raw, 'campaign_product_detail', 'product_id'),
    }),
  },
  map: mapStatistics,
};

export function normalizeCampaignProductPerformance(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
