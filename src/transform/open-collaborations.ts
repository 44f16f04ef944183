/**
 * The shop's own open collaborations (docs/tiktok-api.md#open-collaborations, POST /affiliate_seller/202412/open_collaborations/search)
 * -> openCollaborations. ctx.ownerId is the shop id. Snapshot stream: the loader stamps and tombstones.
 */
import type { RecordContract } from './contract.ts';
import { OPEN_COLLABORATION_STATUS, PRODUCT_STATUS } from './enums.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField, rangeCols } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'openCollaborations';

/**
 * The collaboration's identity, status, current rate and creator counters are its state: a NULL
 * there would overwrite a live value. The product block and require_seller_approve_creator (202409
 * only) may be absent.
 */
export const openCollaborationContract: RecordContract = {
  record: 'one collaboration of data.open_collaborations[] (seller open collaborations search 202412)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the collaboration key' },
    { field: 'status', kind: 'enum', required: true },
    {
      field: 'current_commission',
      kind: 'object',
      required: true,
      fields: [
        { field: 'rate', kind: 'bps', required: true },
        { field: 'start_time', kind: 'epoch', required: false },
        { field: 'end_time', kind: 'epoch', required: false },
      ],
    },
    { field: 'showcase_creator_count', kind: 'count', required: true },
    { field: 'content_creator_count', kind: 'count', required: true },
    {
      field: 'product',
      kind: 'object',
      required: false,
      fields: [{ field: 'id', kind: 'id', required: true }],
    },
    { field: 'require_seller_approve_creator', kind: 'bool', required: false, note: '202409 only' },
  ],
};

function mapCollaboration(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const c = Reader.of(raw, '', tally);
  const commission = c.child('current_commission');
  const product = c.child('product');
  const row = {
    shop_id: ctx.ownerId,
    open_collaboration_id: c.requireId('id'),
    status: c.enumOf('status', OPEN_COLLABORATION_STATUS),
    current_commission_rate_bps: commission?.bps('rate') ?? null,
    current_commission_start_time: commission?.time('start_time') ?? null,
    current_commission_end_time: commission?.time('end_time') ?? null,
    showcase_creator_count: c.count('showcase_creator_count'),
    content_creator_count: c.count('content_creator_count'),
    product_id: product?.id('id') ?? null,
    product_title: product?.text('title') ?? null,
    product_main_image_url: product?.text('main_image_url') ?? null,
    product_status: product?.enumOf('status', PRODUCT_STATUS) ?? null,
    product_inventory: product?.count('inventory') ?? null,
    ...rangeCols('product_original_price', product?.priceRange('original_price') ?? EMPTY_RANGE),
    // 202409 only; 202412 dropped it (docs/tiktok-api.md#open-collaborations), so null on the current version.
    require_seller_approve_creator: c.bool('require_seller_approve_creator'),
    raw: c.obj,
  };
  return { openCollaborations: [row] };
}

const EMPTY_RANGE = { min: null, max: null, currency: null };

const spec: StreamSpec<Tables> = {
  tables: ['openCollaborations'],
  contract: openCollaborationContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  stored: {
    tables: ['openCollaborations'],
    key: (raw, ctx) => ({ shop_id: ctx.ownerId, open_collaboration_id: fieldOf(raw, 'id') }),
  },
  map: mapCollaboration,
};

export function normalizeOpenCollaborations(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
