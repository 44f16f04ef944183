/**
 * Seller affiliate orders (docs/tiktok-api.md#seller-orders, POST /affiliate_seller/202410/orders/search) ->
 * sellerOrders + sellerOrderSkus. ctx.ownerId is the shop id.
 *
 * An order with one bad line is rejected WHOLE: its lines are keyed by position among identical
 * lines and its header carries totals over them, so loading part of an order would leave the
 * warehouse with an inconsistent order (missing line, wrong totals) that looks valid. The quarantined
 * order keeps its previous version in the warehouse until the API sends a clean one.
 */
import type { RecordContract } from './contract.ts';
import { CONTENT_TYPE, SELLER_ORDER_STATUS } from './enums.ts';
import { type LineIdentity, lineKeys } from './line-key.ts';
import { moneyTotal, quantityTotal } from './order-totals.ts';
import { type EnumTally, Reader } from './reader.ts';
import { keyOfField, setMoney } from './row-columns.ts';
import { type Row, type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'sellerOrders' | 'sellerOrderSkus';

const MONEY_FIELDS = [
  'price',
  'estimated_commission_base',
  'estimated_paid_commission',
  'estimated_paid_shop_ads_commission',
  'actual_commission_base',
  'actual_paid_commission',
  'actual_paid_shop_ads_commission',
  'estimated_cofunded_creator_bonus_amount',
  'actual_cofunded_creator_bonus_amount',
] as const;

/**
 * An order is loaded only whole and dated: its id, status, create time and at least one line, each
 * line with what it sold (product, quantity, price) and the estimated commission the header totals
 * sum. `actual_*` amounts exist only once the order settles, and the attribution ids (campaign,
 * collaborations, content) only when the sale came through one: those stay optional.
 */
export const sellerOrderContract: RecordContract = {
  record: 'one order of data.orders[] (seller orders search 202410)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the order key' },
    { field: 'status', kind: 'enum', required: true, note: 'decides settlement re-scans' },
    { field: 'create_time', kind: 'epoch', required: true, note: 'places the order in its window' },
    { field: 'delivery_time', kind: 'epoch', required: false, note: 'absent or 0 until delivered' },
    {
      field: 'skus',
      kind: 'list',
      required: true,
      nonEmpty: true,
      note: 'an order without lines would erase its stored lines and totals',
      fields: [
        { field: 'product_id', kind: 'id', required: true, note: 'part of the line key' },
        { field: 'quantity', kind: 'count', required: true },
        { field: 'price', kind: 'money', required: true },
        { field: 'estimated_commission_base', kind: 'money', required: true, note: 'summed into the header' },
        { field: 'estimated_paid_commission', kind: 'money', required: true, note: 'summed into the header' },
        { field: 'actual_commission_base', kind: 'money', required: false, note: 'set once settled' },
        { field: 'actual_paid_commission', kind: 'money', required: false, note: 'set once settled' },
      ],
    },
  ],
};

function line(sku: Reader, shopId: string, orderId: string, index: number): Row {
  const row: Row = {
    shop_id: shopId,
    order_id: orderId,
    line_index: index,
    product_id: sku.id('product_id'),
    content_type: sku.enumOf('content_type', CONTENT_TYPE),
    content_id: sku.id('content_id'),
    creator_username: sku.text('creator_username'),
    campaign_id: sku.id('campaign_id'),
    open_collaboration_id: sku.id('open_collaboration_id'),
    target_collaboration_id: sku.id('target_collaboration_id'),
    quantity: sku.count('quantity'),
    refunded_quantity: sku.count('refunded_quantity'),
    returned_quantity: sku.count('returned_quantity'),
    commission_model: sku.text('commission_model'),
    commission_tier_setting: sku.text('commission_tier_setting'),
    // Strings in 202410 ("1550" = 15.50 %), docs/tiktok-api.md#seller-orders / docs/tiktok-api.md#field-conventions; ints accepted too.
    commission_rate_bps: sku.bps('commission_rate'),
    shop_ads_commission_rate_bps: sku.bps('shop_ads_commission_rate'),
  };
  for (const f of MONEY_FIELDS) setMoney(row, f, sku.money(f));
  return row;
}

/** The identifying fields of a normalized line (all strings or null by construction in `line`). */
function identityOf(row: Row): LineIdentity {
  const f = (k: keyof LineIdentity) => (row[k] ?? null) as string | null;
  return {
    product_id: f('product_id'),
    content_type: f('content_type'),
    content_id: f('content_id'),
    creator_username: f('creator_username'),
    campaign_id: f('campaign_id'),
    open_collaboration_id: f('open_collaboration_id'),
    target_collaboration_id: f('target_collaboration_id'),
  };
}

function mapOrder(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const order = Reader.of(raw, '', tally);
  const orderId = order.requireId('id');
  const skus = order.array('skus') ?? [];
  const lines = skus.map((s, i) => line(Reader.of(s, `skus[${i}]`, tally), ctx.ownerId, orderId, i));
  const keys = lineKeys(lines.map(identityOf));
  lines.forEach((l, i) => {
    l['line_key'] = keys[i];
  });
  const header: Row = {
    shop_id: ctx.ownerId,
    order_id: orderId,
    status: order.enumOf('status', SELLER_ORDER_STATUS),
    create_time: order.time('create_time'),
    delivery_time: order.time('delivery_time'),
    sku_count: lines.length,
    total_quantity: quantityTotal(lines),
    ...moneyTotal(lines, 'estimated_commission_base', 'total_estimated_commission_base'),
    ...moneyTotal(lines, 'estimated_paid_commission', 'total_estimated_paid_commission'),
    ...moneyTotal(lines, 'actual_commission_base', 'total_actual_commission_base'),
    ...moneyTotal(lines, 'actual_paid_commission', 'total_actual_paid_commission'),
    // The whole order as received, lines included: the lines' rows keep no copy of their own, so the
    // wide order-line tables stay narrow (issue 18) and the order is rebuilt from this one value.
    raw: order.obj,
  };
  return { sellerOrders: [header], sellerOrderSkus: lines };
}

const spec: StreamSpec<Tables> = {
  tables: ['sellerOrders', 'sellerOrderSkus'],
  contract: sellerOrderContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  map: mapOrder,
};

export function normalizeSellerOrders(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
