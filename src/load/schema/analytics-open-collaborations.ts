/**
 * Open collaborations of a shop (docs/tiktok-api.md#open-collaborations, 202412) and open-collaboration marketplace product
 * searches (docs/tiktok-api.md#open-collaboration-product-search, 202405). Both are snapshot streams: rows carry tombstone columns.
 * Grain (docs/warehouse.md#tables): open_collaborations (shop_id, open_collaboration_id);
 * open_collaboration_products (search_id, product_id).
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { documentTable, type RelationDoc } from './docs.ts';
import {
  bps,
  bpsDocs,
  instant,
  money,
  moneyDocs,
  priceRange,
  priceRangeDocs,
  snapshotBookkeeping,
  snapshotBookkeepingDocs,
  rowHash,
  rowHashDocs,
} from './columns.ts';
import { tiktokAffiliate } from './analytics-schema.ts';

const PRODUCT_STATUS_DOC =
  'Product status as sent: LIVE, OUT_OF_STOCK, SELLER_DEACTIVATE, PLATFORM_DEACTIVATE, GNE_REJECT, DELETE, OTHER.';

export const openCollaborations = tiktokAffiliate.table(
  'open_collaborations',
  {
    shop_id: text().notNull(),
    open_collaboration_id: text().notNull(),
    status: text(),
    ...bps('current_commission_rate'),
    current_commission_start_time: instant(),
    current_commission_end_time: instant(),
    showcase_creator_count: integer(),
    content_creator_count: integer(),
    product_id: text(),
    product_title: text(),
    product_main_image_url: text(),
    product_status: text(),
    product_inventory: integer(),
    ...priceRange('product_original_price'),
    require_seller_approve_creator: boolean(),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({ name: 'open_collaborations_pkey', columns: [t.shop_id, t.open_collaboration_id] }),
    index('open_collaborations_product_idx').on(t.product_id),
    index('open_collaborations_active_idx').on(t.shop_id, t.status).where(sql`is_active`),
  ],
);

export const openCollaborationProducts = tiktokAffiliate.table(
  'open_collaboration_products',
  {
    search_id: text().notNull(),
    product_id: text().notNull(),
    shop_id: text().notNull(),
    title: text(),
    shop_name: text(),
    has_inventory: boolean(),
    units_sold: integer(),
    sale_region: text(),
    main_image_url: text(),
    detail_link: text(),
    ...priceRange('original_price'),
    ...priceRange('sales_price'),
    category_chains: jsonb(),
    ...bps('commission_rate'),
    ...money('commission'),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({ name: 'open_collaboration_products_pkey', columns: [t.search_id, t.product_id] }),
    index('open_collaboration_products_product_idx').on(t.product_id),
    index('open_collaboration_products_active_idx')
      .on(t.search_id, t.commission_rate_bps)
      .where(sql`is_active`),
  ],
);

export const openCollaborationsDoc: RelationDoc = documentTable(
  openCollaborations,
  "The shop's own open collaborations (docs/tiktok-api.md#open-collaborations, POST /affiliate_seller/202412/open_collaborations/search). " +
    'Grain: (shop_id, open_collaboration_id). Snapshot: expired collaborations disappear from the API and ' +
    'are tombstoned (is_active = false).',
  {
    shop_id: 'Owner: the TikTok shop id whose shop_cipher the sync used.',
    open_collaboration_id: 'Open collaboration id. Source: open_collaborations[].id.',
    status:
      'Status as sent: NORMAL, TERMINATING (removed by the seller; runs until current_commission_end_time). ' +
      'Source: open_collaborations[].status.',
    ...bpsDocs(
      'current_commission_rate',
      'open_collaborations[].current_commission.rate',
      'Current open-collaboration commission rate (range 100-8000)',
    ),
    current_commission_start_time:
      'Start of the current commission (UTC; API sends Unix seconds). Source: current_commission.start_time.',
    current_commission_end_time:
      'End of the current commission (UTC; API sends Unix seconds). Source: current_commission.end_time.',
    showcase_creator_count: 'Creators showcasing the product. Source: showcase_creator_count.',
    content_creator_count: 'Creators who made content for it. Source: content_creator_count.',
    product_id: 'Product id. Source: product.id.',
    product_title: 'Product title. Source: product.title.',
    product_main_image_url: 'Product main image URL. Source: product.main_image_url.',
    product_status: PRODUCT_STATUS_DOC + ' Source: product.status.',
    product_inventory: 'Units in stock. Source: product.inventory.',
    ...priceRangeDocs(
      'product_original_price',
      'product.original_price',
      'Original price range of the product',
    ),
    require_seller_approve_creator:
      'Whether the seller must approve creators. Only in API version 202409 (null from 202412). ' +
      'Source: require_seller_approve_creator.',
    raw: 'The open collaboration object as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const openCollaborationProductsDoc: RelationDoc = documentTable(
  openCollaborationProducts,
  'Results of a saved open-collaboration marketplace search (docs/tiktok-api.md#open-collaboration-product-search, POST ' +
    '/affiliate_seller/202405/open_collaborations/products/search): products of ANY shop in open ' +
    'collaboration. Grain: (search_id, product_id). Snapshot per saved search.',
  {
    search_id: 'The saved search (etl.saved_searches.search_id) whose criteria produced this result.',
    product_id: 'Product id. Source: products[].id.',
    shop_id:
      "Owner: the shop id of the seller connection that ran the search, NOT the product's shop (the API " +
      "names the product's shop only by shop_name). current_open_collaboration_products leaves it out.",
    title: 'Product title. Source: products[].title.',
    shop_name: "Name of the product's shop. Source: products[].shop.name.",
    has_inventory: 'Whether the product has stock. Source: products[].has_inventory.',
    units_sold: 'Units sold (may be absent). Source: products[].units_sold.',
    sale_region: 'Sale region code, e.g. ID. Source: products[].sale_region.',
    main_image_url: 'Main image URL. Source: products[].main_image_url.',
    detail_link: 'Product page URL. Source: products[].detail_link.',
    ...priceRangeDocs('original_price', 'products[].original_price', 'Original price range'),
    ...priceRangeDocs('sales_price', 'products[].sales_price', 'Promotion (sales) price range'),
    category_chains:
      'Category chain as sent: array of {id, local_name, is_leaf, parent_id}. Source: products[].category_chains.',
    ...bpsDocs('commission_rate', 'products[].commission.rate', 'Open-collaboration commission rate'),
    ...moneyDocs('commission', 'products[].commission', 'Commission amount per unit'),
    raw: 'The product object as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);
