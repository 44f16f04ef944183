/**
 * Creator affiliate orders (docs/tiktok-api.md#creator-orders, POST /affiliate_creator/202410/orders/search) ->
 * creatorOrders + creatorOrderSkus. ctx.ownerId is the creator's open_id.
 *
 * Quirks handled: localized amounts such as "Rp9.900" (parse-money.ts); rates documented as
 * "formatted as a string" but typed int (docs/tiktok-api.md#creator-orders: both accepted). As for seller orders, an order
 * with one bad line is rejected whole (its header totals and line set must stay consistent), and so is
 * an order repeating a sku id: two lines on one grain key would silently collapse into one.
 */
import type { RecordContract } from './contract.ts';
import { CONTENT_TYPE, CREATOR_ORDER_STATUS } from './enums.ts';
import { reject } from './errors.ts';
import { moneyTotal, quantityTotal } from './order-totals.ts';
import { type EnumTally, Reader } from './reader.ts';
import { keyOfField, setMoney } from './row-columns.ts';
import { type Row, type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'creatorOrders' | 'creatorOrderSkus';

const MONEY_FIELDS = [
  'price',
  'estimated_commission_base',
  'estimated_commission',
  'estimated_bonus_commission',
  'estimated_shop_ads_commission',
  'estimated_creator_commission_reward_fee',
  'actual_commission_base',
  'actual_commission',
  'actual_bonus_commission',
  'actual_shop_ads_commission',
  'actual_creator_commission_reward_fee',
] as const;

/** As for seller orders: whole and dated, each line keyed by its sku id. */
export const creatorOrderContract: RecordContract = {
  record: 'one order of data.orders[] (creator orders search 202410)',
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
        { field: 'id', kind: 'id', required: true, note: 'the line key' },
        { field: 'product_id', kind: 'id', required: true },
        { field: 'quantity', kind: 'count', required: true },
        { field: 'price', kind: 'money', required: true },
        { field: 'estimated_commission_base', kind: 'money', required: true },
        { field: 'estimated_commission', kind: 'money', required: true, note: 'summed into the header' },
        { field: 'actual_commission', kind: 'money', required: false, note: 'set once settled' },
      ],
    },
  ],
};

function line(sku: Reader, creatorId: string, orderId: string, index: number): Row {
  const row: Row = {
    creator_id: creatorId,
    order_id: orderId,
    sku_id: sku.requireId('id'),
    line_index: index,
    product_id: sku.id('product_id'),
    product_name: sku.text('product_name'),
    shop_name: sku.text('shop_name'),
    content_type: sku.enumOf('content_type', CONTENT_TYPE),
    content_id: sku.id('content_id'),
    campaign_id: sku.id('campaign_id'),
    open_collaboration_id: sku.id('open_collaboration_id'),
    target_collaboration_id: sku.id('target_collaboration_id'),
    quantity: sku.count('quantity'),
    returned_quantity: sku.count('returned_quantity'),
    refunded_quantity: sku.count('refunded_quantity'),
    commission_model: sku.text('commission_model'),
    commission_tier_setting: sku.text('commission_tier_setting'),
    commission_rate_bps: sku.bps('commission_rate'),
    commission_bonus_rate_bps: sku.bps('commission_bonus_rate'),
    shop_ads_commission_rate_bps: sku.bps('shop_ads_commission_rate'),
    creator_commission_reward_rate_bps: sku.bps('creator_commission_reward_rate'),
    tag: sku.text('tag'),
  };
  for (const f of MONEY_FIELDS) setMoney(row, f, sku.money(f));
  return row;
}

function mapOrder(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const order = Reader.of(raw, '', tally);
  const orderId = order.requireId('id');
  const skus = order.array('skus') ?? [];
  const lines = skus.map((s, i) => line(Reader.of(s, `skus[${i}]`, tally), ctx.ownerId, orderId, i));
  const seen = new Set<unknown>();
  for (const l of lines) {
    if (seen.has(l['sku_id'])) {
      reject('duplicate_key:skus[].id', `sku id ${String(l['sku_id'])} appears twice in order ${orderId}`);
    }
    seen.add(l['sku_id']);
  }
  const header: Row = {
    creator_id: ctx.ownerId,
    order_id: orderId,
    status: order.enumOf('status', CREATOR_ORDER_STATUS),
    create_time: order.time('create_time'),
    delivery_time: order.time('delivery_time'),
    sku_count: lines.length,
    total_quantity: quantityTotal(lines),
    ...moneyTotal(lines, 'estimated_commission', 'total_estimated_commission'),
    ...moneyTotal(lines, 'actual_commission', 'total_actual_commission'),
    // The whole order as received, lines included: the lines' rows keep no copy of their own, so the
    // wide order-line tables stay narrow (issue 18) and the order is rebuilt from this one value.
    raw: order.obj,
  };
  return { creatorOrders: [header], creatorOrderSkus: lines };
}

const spec: StreamSpec<Tables> = {
  tables: ['creatorOrders', 'creatorOrderSkus'],
  contract: creatorOrderContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  map: mapOrder,
};

export function normalizeCreatorOrders(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
