/**
 * Open-collaboration marketplace products of a saved search (docs/tiktok-api.md#open-collaboration-product-search, POST
 * /affiliate_seller/202405/open_collaborations/products/search) -> openCollaborationProducts.
 * ctx.ownerId is the shop id that ran the search; ctx.scope.search_id names the saved search.
 * `units_sold` may be absent (docs/tiktok-api.md#field-conventions): null, not zero.
 */
import type { RecordContract } from './contract.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField, moneyCols, rangeCols } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'openCollaborationProducts';

/** Marketplace listings: the product id and title identify a row; the rest is optional as documented. */
export const openCollaborationProductContract: RecordContract = {
  record: 'one product of data.products[] (seller open collaboration product search 202405)',
  fields: [
    { field: 'id', kind: 'id', required: true, note: 'the product key' },
    { field: 'title', kind: 'text', required: true },
    { field: 'units_sold', kind: 'count', required: false, note: 'hidden without data-sharing consent' },
    { field: 'has_inventory', kind: 'bool', required: false },
    { field: 'category_chains', kind: 'list', required: false, fields: [], note: 'stored as jsonb' },
  ],
};

/**
 * The columns of one marketplace product, shared with the creator's search (same record shape):
 * everything but the owner and the search.
 */
export function marketplaceProductColumns(p: Reader): Record<string, unknown> {
  const commission = p.child('commission');
  return {
    product_id: p.requireId('id'),
    title: p.text('title'),
    shop_name: p.child('shop')?.text('name') ?? null,
    has_inventory: p.bool('has_inventory'),
    units_sold: p.count('units_sold'),
    sale_region: p.text('sale_region'),
    main_image_url: p.text('main_image_url'),
    detail_link: p.text('detail_link'),
    ...rangeCols('original_price', p.priceRange('original_price')),
    ...rangeCols('sales_price', p.priceRange('sales_price')),
    category_chains: p.json('category_chains', 'list'),
    // commission = {rate: bps, currency, amount} (docs/tiktok-api.md#open-collaboration-product-search): one rate and one money value.
    commission_rate_bps: commission?.bps('rate') ?? null,
    ...moneyCols(
      'commission',
      commission?.moneyHere('amount', 'currency') ?? { amount: null, currency: null },
    ),
    raw: p.obj,
  };
}

function mapProduct(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const p = Reader.of(raw, '', tally);
  const row = { search_id: ctx.scope?.['search_id'], shop_id: ctx.ownerId, ...marketplaceProductColumns(p) };
  return { openCollaborationProducts: [row] };
}

const spec: StreamSpec<Tables> = {
  tables: ['openCollaborationProducts'],
  scopeKeys: ['search_id'],
  contract: openCollaborationProductContract,
  keyOf: (raw) => keyOfField(raw, 'id'),
  stored: {
    tables: ['openCollaborationProducts'],
    key: (raw, ctx) => ({ search_id: ctx.scope?.['search_id'], product_id: fieldOf(raw, 'id') }),
  },
  map: mapProduct,
};

export function normalizeOpenCollaborationProducts(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
