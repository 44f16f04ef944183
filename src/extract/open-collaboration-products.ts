/**
 * open_collaboration_products: POST /affiliate_seller/202405/open_collaborations/products/search
 * (docs/tiktok-api.md#open-collaboration-product-search): a MARKETPLACE search, not the seller's own products, so the stream snapshots the
 * saved searches stored per connection (etl.saved_searches), each scoped by its search_id.
 * The engine passes the default search when none is stored (defaultSavedSearch).
 * page_size is at most 20 on this endpoint (docs/tiktok-api.md#page-sizes). shop_cipher is optional here and its effect
 * on region scoping is unknown (docs/tiktok-api.md#optional-shop-cipher-on-the-product-search): the client sends it when the connection has a shop.
 */
import { searchOpenCollaborationProducts } from '../tiktok/endpoints/seller.ts';
import { restartablePages } from './restart.ts';
import type { SavedSearch, SnapshotBatch, SnapshotSource } from './types.ts';

/**
 * Used when a connection has no saved search: the whole marketplace visible to the seller. Its id
 * carries the connection because the table's grain is (search_id, product_id): two connections'
 * default searches must not overwrite each other's rows.
 */
export function defaultSavedSearch(connectionId: number): SavedSearch {
  return { searchId: `default:${connectionId}`, name: 'default (all products)', criteria: {} };
}

type Criteria = Parameters<typeof searchOpenCollaborationProducts>[2]['criteria'];

/** Saved criteria use the API's body field names (docs/tiktok-api.md#open-collaboration-product-search); map them to the client's params. */
export function toClientCriteria(c: Record<string, unknown>): Criteria {
  const out: Record<string, unknown> = {};
  const price = (c['sales_price_range'] ?? {}) as Record<string, unknown>;
  const rate = (c['commission_rate_range'] ?? {}) as Record<string, unknown>;
  const category = (c['category'] ?? {}) as Record<string, unknown>;
  if (Array.isArray(c['title_keywords'])) out['titleKeywords'] = c['title_keywords'].map(String);
  if (price['amount_ge'] !== undefined) out['salesPriceGe'] = String(price['amount_ge']);
  if (price['amount_lt'] !== undefined) out['salesPriceLt'] = String(price['amount_lt']);
  if (category['id'] !== undefined) out['categoryId'] = String(category['id']);
  if (rate['rate_ge'] !== undefined) out['commissionRateGe'] = Number(rate['rate_ge']);
  if (rate['rate_lt'] !== undefined) out['commissionRateLt'] = Number(rate['rate_lt']);
  return out as Criteria;
}

export const openCollaborationProductsSource: SnapshotSource = {
  strategy: 'snapshot',
  tombstones: [{ table: 'openCollaborationProducts', scopeColumn: 'search_id' }],
  async *walk(ctx, params): AsyncGenerator<SnapshotBatch> {
    for (const search of params.savedSearches ?? []) {
      const criteria = toClientCriteria(search.criteria);
      const fetch = (pageToken: string | undefined, signal: AbortSignal | undefined) =>
        searchOpenCollaborationProducts(ctx.api, ctx.auth, { pageSize: 20, pageToken, criteria }, { signal });
      for await (const page of restartablePages(fetch, {
        what: `open collaboration products of search ${search.searchId}`,
        signal: ctx.signal,
        onRestart: ctx.onPageTokenRestart,
      })) {
        yield {
          normalizer: 'normalizeOpenCollaborationProducts',
          scope: { search_id: search.searchId },
          records: page.records,
          apiCalls: 1,
        };
      }
    }
  },
};
