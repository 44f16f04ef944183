/**
 * The creator's received invitations (POST /affiliate_creator/202405/target_collaborations/search)
 * -> creatorTargetCollaborations, creatorTargetCollaborationProducts. ctx.ownerId is the creator's
 * open_id; ctx.scope.shop_id is the shop the search ran for (the request's required shop_id: the
 * records do not repeat it). A bad product rejects the whole invitation, as for the seller side: a
 * partial product list would look complete. A product listed twice is one membership stated twice:
 * the LAST occurrence is kept, as the loader does for duplicate keys within a page.
 */
import type { RecordContract } from './contract.ts';
import { CREATOR_TARGET_COLLABORATION_STATUS } from './enums.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField, moneyCols } from './row-columns.ts';
import { type Row, type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'creatorTargetCollaborations' | 'creatorTargetCollaborationProducts';

/** The id keys the invitation and its status is its state: both must be there. */
export const creatorTargetCollaborationContract: RecordContract = {
  record: 'one invitation of data.target_collaborations[] (creator target collaboration search 202405)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the collaboration key' },
    {
      field: 'status',
      kind: 'enum',
      required: true,
      note: 'the invitation state; absent would erase the stored one',
    },
    { field: 'name', kind: 'text', required: false },
    {
      field: 'products',
      kind: 'list',
      required: true,
      note: 'the invitation\'s products (may be empty); absent would read as "no products" and retire the stored ones',
      fields: [{ field: 'id', kind: 'id', required: true, note: 'the product key' }],
    },
  ],
};

function mapInvitation(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const r = Reader.of(raw, '', tally);
  const shopId = ctx.scope?.['shop_id'];
  const id = r.requireId('id');
  const products = (r.array('products') ?? []).map((item, i) => {
    const p = Reader.of(item, `products[${i}]`, tally);
    const commission = p.child('commission');
    return {
      creator_id: ctx.ownerId,
      shop_id: shopId,
      target_collaboration_id: id,
      product_id: p.requireId('id'),
      title: p.text('title'),
      main_image_url: p.text('main_image_url'),
      // commission = {rate: bps, amount, currency}: the rate and the commission per unit.
      commission_rate_bps: commission?.bps('rate') ?? null,
      ...moneyCols(
        'commission',
        commission?.moneyHere('amount', 'currency') ?? { amount: null, currency: null },
      ),
      raw: p.obj,
    };
  });
  const byProduct = new Map<unknown, Row>();
  for (const row of products) byProduct.set(row.product_id, row);
  const header: Row = {
    creator_id: ctx.ownerId,
    shop_id: shopId,
    target_collaboration_id: id,
    name: r.text('name'),
    status: r.enumOf('status', CREATOR_TARGET_COLLABORATION_STATUS),
    product_count: byProduct.size,
    raw: r.obj,
  };
  return {
    creatorTargetCollaborations: [header],
    creatorTargetCollaborationProducts: [...byProduct.values()],
  };
}

const spec: StreamSpec<Tables> = {
  tables: ['creatorTargetCollaborations', 'creatorTargetCollaborationProducts'],
  scopeKeys: ['shop_id'],
  contract: creatorTargetCollaborationContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  stored: {
    // Its products are its rows too: a rejected invitation keeps its whole stored product list.
    tables: ['creatorTargetCollaborations', 'creatorTargetCollaborationProducts'],
    key: (raw, ctx) => ({
      creator_id: ctx.ownerId,
      shop_id: ctx.scope?.['shop_id'],
      target_collaboration_id: fieldOf(raw, 'id'),
    }),
  },
  map: mapInvitation,
};

export function normalizeCreatorTargetCollaborations(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
