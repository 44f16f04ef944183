/**
 * tiktok_affiliate.current_open_collaboration_products: the products currently in open collaboration,
 * each once, whatever saved searches found them. open_collaboration_products is kept per saved search
 * (its grain is (search_id, product_id)), so the same product appears once per search that returns it
 * and a reader would need to know the searches to count products; this view needs none. Values come
 * from the most recently synced active row of the product.
 */
import type { RelationDoc } from './docs.ts';

const PRODUCT_COLUMNS = [
  'title',
  'shop_name',
  'has_inventory',
  'units_sold',
  'sale_region',
  'main_image_url',
  'detail_link',
  'original_price_min_amount',
  'original_price_max_amount',
  'original_price_currency',
  'sales_price_min_amount',
  'sales_price_max_amount',
  'sales_price_currency',
  'category_chains',
  'commission_rate_bps',
  'commission_amount',
  'commission_currency',
] as const;

export const currentOpenCollaborationProductsSql = `
select
  latest.product_id,
  ${PRODUCT_COLUMNS.map((c) => `latest.${c}`).join(',\n  ')},
  seen.first_seen_at,
  latest.synced_at as last_synced_at,
  seen.searches
from (
  select distinct on (p.product_id) p.*
  from tiktok_affiliate.open_collaboration_products p
  where p.is_active
  order by p.product_id, p.synced_at desc, p.search_id
) as latest
join (
  select p.product_id, min(p.first_seen_at) as first_seen_at, count(*)::int as searches
  from tiktok_affiliate.open_collaboration_products p
  where p.is_active
  group by p.product_id
) as seen on seen.product_id = latest.product_id`;

const fromTable = (column: string) => `As open_collaboration_products.${column}.`;

export const currentOpenCollaborationProductsDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'current_open_collaboration_products',
  kind: 'view',
  description:
    'Products currently in open collaboration on the marketplace, one row per product (grain: product_id), ' +
    'whichever saved searches found them: the active rows of open_collaboration_products, the most recently ' +
    "synced one per product. No shop id: the API gives the product's shop by name only (shop_name).",
  columns: {
    product_id: 'Product id. Source: products[].id.',
    ...Object.fromEntries(PRODUCT_COLUMNS.map((c) => [c, fromTable(c)])),
    first_seen_at: 'When the pipeline first stored the product under any search still active (UTC).',
    last_synced_at: 'synced_at of the row the values come from: when they last changed (UTC).',
    searches: 'Number of active saved searches whose latest results list the product.',
  },
};
