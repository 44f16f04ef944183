/**
 * A creator's saved marketplace search (POST /affiliate_creator/202405/open_collaborations/products/search)
 * -> creatorOpenCollaborationProducts. Same record shape as the seller's search; ctx.ownerId is the
 * creator's open_id and ctx.scope.search_id names the saved search. `units_sold` is absent when the
 * creator has not allowed precise data sharing: null, never zero.
 */
import type { RecordContract } from './contract.ts';
import { marketplaceProductColumns } from './open-collaboration-products.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'creatorOpenCollaborationProducts';

export const creatorOpenCollaborationProductContract: RecordContract = {
  record: 'one product of data.products[] (creator open collaboration product search 202405)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the product key' },
    { field: 'title', kind: 'text', required: true },
    {
      field: 'units_sold',
      kind: 'count',
      required: false,
      note: 'absent unless the creator allows precise data sharing',
    },
    { field: 'has_inventory', kind: 'bool', required: false },
  ],
};

function mapProduct(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const p = Reader.of(raw, '', tally);
  const row = {
    creator_id: ctx.ownerId,
    search_id: ctx.scope?.['search_id'],
    ...marketplaceProductColumns(p),
  };
  return { creatorOpenCollaborationProducts: [row] };
}

const spec: StreamSpec<Tables> = {
  tables: ['creatorOpenCollaborationProducts'],
  scopeKeys: ['search_id'],
  contract: creatorOpenCollaborationProductContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  stored: {
    tables: ['creatorOpenCollaborationProducts'],
    key: (raw, ctx) => ({
      creator_id: ctx.ownerId,
      search_id: ctx.scope?.['search_id'],
      product_id: fieldOf(raw, 'id'),
    }),
  },
  map: mapProduct,
};

export function normalizeCreatorOpenCollaborationProducts(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
