/**
 * The creator's side of collaborations, read with the creator's token:
 * - its received invitations (creator target collaboration search 202405), one search per shop it
 *   sells for. Grain: creator_target_collaborations (creator_id, shop_id, target_collaboration_id);
 *   creator_target_collaboration_products (+ product_id). Snapshot, tombstoned per (creator, shop).
 * - its saved marketplace searches (creator open collaboration product search 202405). Grain:
 *   creator_open_collaboration_products (creator_id, search_id, product_id). Snapshot per search.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { tiktokAffiliate } from './analytics-schema.ts';
import {
  bps,
  bpsDocs,
  money,
  moneyDocs,
  priceRange,
  priceRangeDocs,
  rowHash,
  rowHashDocs,
  snapshotBookkeeping,
  snapshotBookkeepingDocs,
} from './columns.ts';
import { documentTable, type RelationDoc } from './docs.ts';

export const creatorTargetCollaborations = tiktokAffiliate.table(
  'creator_target_collaborations',
  {
    creator_id: text().notNull(),
    shop_id: text().notNull(),
    target_collaboration_id: text().notNull(),
    name: text(),
    status: text(),
    product_count: integer(),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'creator_target_collaborations_pkey',
      columns: [t.creator_id, t.shop_id, t.target_collaboration_id],
    }),
    index('creator_target_collaborations_active_idx').on(t.creator_id, t.status).where(sql`is_active`),
  ],
);

export const creatorTargetCollaborationProducts = tiktokAffiliate.table(
  'creator_target_collaboration_products',
  {
    creator_id: text().notNull(),
    shop_id: text().notNull(),
    target_collaboration_id: text().notNull(),
    product_id: text().notNull(),
    title: text(),
    main_image_url: text(),
    ...bps('commission_rate'),
    ...money('commission'),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'creator_target_collaboration_products_pkey',
      columns: [t.creator_id, t.shop_id, t.target_collaboration_id, t.product_id],
    }),
    index('creator_target_collaboration_products_product_idx').on(t.product_id),
  ],
);

export const creatorOpenCollaborationProducts = tiktokAffiliate.table(
  'creator_open_collaboration_products',
  {
    creator_id: text().notNull(),
    search_id: text().notNull(),
    product_id: text().notNull(),
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
    primaryKey({
      name: 'creator_open_collaboration_products_pkey',
      columns: [t.creator_id, t.search_id, t.product_id],
    }),
    index('creator_open_collaboration_products_product_idx').on(t.product_id),
    index('creator_open_collaboration_products_active_idx')
      .on(t.search_id, t.commission_rate_bps)
      .where(sql`is_active`),
  ],
);

const CREATOR_ID_DOC = "Owner: the creator's open_id (from its connection's token).";

export const creatorTargetCollaborationsDoc: RelationDoc = documentTable(
  creatorTargetCollaborations,
  'The invitations (target collaborations) a creator received, read per shop with the creator token ' +
    '(POST /affiliate_creator/202405/target_collaborations/search, shop_id required). The shops are those ' +
    "the creator's orders name (creator_order_skus.shop_name) that a seller connection of this warehouse " +
    'identifies by name. Grain: (creator_id, shop_id, target_collaboration_id). Snapshot per creator and ' +
    'shop: an invitation the search no longer lists (a deleted one is found only by its id) is tombstoned.',
  {
    creator_id: CREATOR_ID_DOC,
    shop_id: 'The TikTok shop id the search ran for (the request shop_id; the records do not repeat it).',
    target_collaboration_id: 'Target collaboration id. Source: target_collaborations[].id.',
    name: 'Collaboration name. Source: target_collaborations[].name.',
    status:
      'Invitation state as sent: LIVE, EXPIRED, DELETED, ENDED. Source: target_collaborations[].status.',
    product_count: 'Distinct products listed in the invitation (creator_target_collaboration_products rows).',
    raw: 'The invitation object as received (its products included).',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const creatorTargetCollaborationProductsDoc: RelationDoc = documentTable(
  creatorTargetCollaborationProducts,
  "Products of a creator's invitation. Grain: (creator_id, shop_id, target_collaboration_id, product_id). " +
    'Snapshot with its invitation.',
  {
    creator_id: CREATOR_ID_DOC,
    shop_id: 'The TikTok shop id the search ran for.',
    target_collaboration_id: 'Target collaboration id. Source: target_collaborations[].id.',
    product_id: 'Product id. Source: target_collaborations[].products[].id.',
    title: 'Product title. Source: products[].title.',
    main_image_url: 'Product main image URL. Source: products[].main_image_url.',
    ...bpsDocs('commission_rate', 'products[].commission.rate', 'Commission rate offered to the creator'),
    ...moneyDocs('commission', 'products[].commission', 'Commission amount per unit'),
    raw: 'The product object as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const creatorOpenCollaborationProductsDoc: RelationDoc = documentTable(
  creatorOpenCollaborationProducts,
  "Results of a creator's saved open-collaboration marketplace search (POST " +
    '/affiliate_creator/202405/open_collaborations/products/search): products of any shop the creator may ' +
    'join. Grain: (creator_id, search_id, product_id). Snapshot per saved search.',
  {
    creator_id: CREATOR_ID_DOC,
    search_id:
      'The saved search (etl.saved_searches.search_id of the creator connection) whose criteria produced ' +
      'this result; "default:<connection id>" when the connection has none.',
    product_id: 'Product id. Source: products[].id.',
    title: 'Product title. Source: products[].title.',
    shop_name: "Name of the product's shop. Source: products[].shop.name.",
    has_inventory: 'Whether the product has stock. Source: products[].has_inventory.',
    units_sold:
      'Units sold; null when the creator has not allowed precise data sharing (the API then leaves it out). ' +
      'Source: products[].units_sold.',
    sale_region: 'Sale region code, e.g. ID. Source: products[].sale_region.',
    main_image_url: 'Main image URL. Source: products[].main_image_url.',
    detail_link: 'Product page URL. Source: products[].detail_link.',
    ...priceRangeDocs('original_price', 'products[].original_price', 'Original price range'),
    ...priceRangeDocs('sales_price', 'products[].sales_price', 'Promotion (sales) price range'),
    category_chains:
      'Category chain as sent (at most 3 entries): array of {id, local_name, is_leaf, parent_id}. ' +
      'Source: products[].category_chains.',
    ...bpsDocs(
      'commission_rate',
      'products[].commission.rate',
      'Open-collaboration commission rate (100-8000)',
    ),
    ...moneyDocs('commission', 'products[].commission', 'Commission amount per unit'),
    raw: 'The product object as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);
