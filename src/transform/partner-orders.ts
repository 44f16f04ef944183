/**
 * TAP affiliate orders (POST /affiliate_partner/202411/orders/search) -> partnerOrders +
 * partnerOrderSkus. ctx.ownerId is the category asset cipher the orders were read through.
 *
 * Quirk handled: the spec and the SDK both type `skus` as a SINGLE OBJECT, where every other order
 * search has a list. A single object is read as a one-line order and a list as its lines, so the
 * stored rows do not depend on which shape the server sends. As for the other order streams, an
 * order with one bad line is rejected whole, and so is an order repeating a sku id.
 */
import type { RecordContract } from './contract.ts';
import { CONTENT_TYPE, SELLER_ORDER_STATUS } from './enums.ts';
import { reject } from './errors.ts';
import { moneyTotal, quantityTotal } from './order-totals.ts';
import { type EnumTally, isObject, Reader } from './reader.ts';
import { keyOfField, setMoney, without } from './row-columns.ts';
import { type Row, type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'partnerOrders' | 'partnerOrderSkus';

const MONEY_FIELDS = [
  'price',
  'estimated_commission_base',
  'estimated_creator_commission',
  'estimated_tap_commission',
  'estimated_partner_commission_reward_fee',
  'estimated_creator_commission_reward_fee',
  'actual_commission_base',
  'actual_creator_commission',
  'actual_tap_commission',
  'actual_partner_commission_reward_fee',
  'actual_creator_commission_reward_fee',
] as const;

const BPS_FIELDS = [
  'creator_commission_rate',
  'tap_commission_rate',
  'partner_commission_reward_rate',
  'creator_commission_reward_rate',
] as const;

/** Whole and dated, each line keyed by its sku id and credited to a campaign. */
export const partnerOrderContract: RecordContract = {
  record: 'one order of data.orders[] (TAP orders search 202411)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the order key' },
    { field: 'status', kind: 'enum', required: true, note: 'decides settlement re-scans' },
    { field: 'create_time', kind: 'epoch', required: true, note: 'places the order in its window' },
    { field: 'delivery_time', kind: 'epoch', required: false, note: 'absent or 0 until delivered' },
    {
      field: 'skus',
      kind: 'objects',
      required: true,
      nonEmpty: true,
      note: 'documented as one object; a list is read as the lines. Without lines an order would erase its stored lines and totals',
      fields: [
        { field: 'id', kind: 'id', required: true, note: 'the line key' },
        { field: 'campaign_id', kind: 'id', required: true, note: 'what the partner is credited for' },
        { field: 'product_id', kind: 'id', required: true },
        { field: 'quantity', kind: 'count', required: true },
        { field: 'price', kind: 'money', required: true },
        { field: 'estimated_commission_base', kind: 'money', required: true },
        {
          field: 'estimated_tap_commission',
          kind: 'money',
          required: true,
          note: 'summed into the header',
        },
        { field: 'actual_tap_commission', kind: 'money', required: false, note: 'set once settled' },
      ],
    },
  ],
};

function line(sku: Reader, partnerId: string, orderId: string, index: number): Row {
  const row: Row = {
    partner_id: partnerId,
    order_id: orderId,
    sku_id: sku.requireId('id'),
    line_index: index,
    campaign_id: sku.id('campaign_id'),
    product_id: sku.id('product_id'),
    product_name: sku.text('product_name'),
    creator_username: sku.text('creator_username'),
    content_type: sku.enumOf('content_type', CONTENT_TYPE),
    content_id: sku.id('content_id'),
    quantity: sku.count('quantity'),
    returned_quantity: sku.count('returned_quantity'),
    refunded_quantity: sku.count('refunded_quantity'),
    raw: sku.obj,
  };
  for (const f of BPS_FIELDS) row[`${f}_bps`] = sku.bps(f);
  for (const f of MONEY_FIELDS) setMoney(row, f, sku.money(f));
  return row;
}

/** The order's lines whatever the shape: one object is one line. */
function skuList(raw: unknown): unknown[] {
  if (isObject(raw)) return [raw];
  return Array.isArray(raw) ? raw : [];
}

function mapOrder(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const order = Reader.of(raw, '', tally);
  const orderId = order.requireId('id');
  const single = isObject(order.obj['skus']);
  const lines = skuList(order.obj['skus']).map((s, i) =>
    line(Reader.of(s, single ? 'skus' : `skus[${i}]`, tally), ctx.ownerId, orderId, i),
  );
  const seen = new Set<unknown>();
  for (const l of lines) {
    if (seen.has(l['sku_id'])) {
      reject('duplicate_key:skus[].id', `sku id ${String(l['sku_id'])} appears twice in order ${orderId}`);
    }
    seen.add(l['sku_id']);
  }
  const header: Row = {
    partner_id: ctx.ownerId,
    order_id: orderId,
    status: order.enumOf('status', SELLER_ORDER_STATUS),
    create_time: order.time('create_time'),
    delivery_time: order.time('delivery_time'),
    sku_count: lines.length,
    total_quantity: quantityTotal(lines),
    ...moneyTotal(lines, 'estimated_tap_commission', 'total_estimated_tap_commission'),
    ...moneyTotal(lines, 'actual_tap_commission', 'total_actual_tap_commission'),
    raw: without(order.obj, 'skus'),
  };
  return { partnerOrders: [header], partnerOrderSkus: lines };
}

const spec: StreamSpec<Tables> = {
  tables: ['partnerOrders', 'partnerOrderSkus'],
  contract: partnerOrderContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  map: mapOrder,
};

export function normalizePartnerOrders(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
