/**
 * Target collaborations of a shop: the 202508 search per collaboration_status (docs/tiktok-api.md#target-collaborations) plus the
 * GET detail of each (docs/tiktok-api.md#target-collaboration-detail) with its products and creators. Snapshot stream.
 * Grain (docs/warehouse.md#tables): target_collaborations (shop_id, target_collaboration_id);
 * target_collaboration_products (+ product_id); target_collaboration_creators (+ creator_key).
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { documentTable, type RelationDoc } from './docs.ts';
import {
  bps,
  bpsDocs,
  instant,
  priceRange,
  priceRangeDocs,
  snapshotBookkeeping,
  snapshotBookkeepingDocs,
  rowHash,
  rowHashDocs,
} from './columns.ts';
import { tiktokAffiliate } from './analytics-schema.ts';

const MEMBER_STATUS_DOC = 'as sent: NORMAL, DELETING (becomes DELETED at 00:00 the next day), DELETED.';
const EFFECTIVE_STATUS_DOC = 'as sent: EFFECTIVE_ALL, EFFECTIVE_PARTIALLY, EFFECTIVE_NONE.';

export const targetCollaborations = tiktokAffiliate.table(
  'target_collaborations',
  {
    shop_id: text().notNull(),
    target_collaboration_id: text().notNull(),
    collaboration_status: text(),
    name: text(),
    message: text(),
    type: text(),
    start_time: instant(),
    end_time: instant(),
    update_time: instant(),
    creator_invited_count: integer(),
    showcase_creator_count: integer(),
    content_creator_count: integer(),
    product_count: integer(),
    has_free_sample: boolean(),
    is_sample_approval_exempt: boolean(),
    seller_contact_email: text(),
    detail_fetched: boolean().notNull(),
    raw: jsonb().notNull(),
    raw_detail: jsonb(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({ name: 'target_collaborations_pkey', columns: [t.shop_id, t.target_collaboration_id] }),
    index('target_collaborations_active_idx').on(t.shop_id, t.collaboration_status).where(sql`is_active`),
    index('target_collaborations_shop_update_time_idx').on(t.shop_id, t.update_time),
  ],
);

export const targetCollaborationProducts = tiktokAffiliate.table(
  'target_collaboration_products',
  {
    shop_id: text().notNull(),
    target_collaboration_id: text().notNull(),
    product_id: text().notNull(),
    title: text(),
    main_image_url: text(),
    status: text(),
    collaboration_status: text(),
    commission_effective_status: text(),
    ...priceRange('original_price'),
    ...bps('commission_rate'),
    ...bps('shop_ads_commission_rate'),
    commission_effective_time: instant(),
    ...priceRange('commission'),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'target_collaboration_products_pkey',
      columns: [t.shop_id, t.target_collaboration_id, t.product_id],
    }),
    index('target_collaboration_products_product_idx').on(t.shop_id, t.product_id),
  ],
);

export const targetCollaborationCreators = tiktokAffiliate.table(
  'target_collaboration_creators',
  {
    shop_id: text().notNull(),
    target_collaboration_id: text().notNull(),
    creator_key: text().notNull(),
    creator_open_id: text(),
    user_id: text(),
    username: text(),
    nickname: text(),
    avatar_url: text(),
    selection_region: text(),
    showcase_product_count: integer(),
    content_product_count: integer(),
    collaboration_status: text(),
    product_effective_status: text(),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'target_collaboration_creators_pkey',
      columns: [t.shop_id, t.target_collaboration_id, t.creator_key],
    }),
    index('target_collaboration_creators_username_idx').on(t.shop_id, t.username),
    index('target_collaboration_creators_open_id_idx')
      .on(t.creator_open_id)
      .where(sql`creator_open_id is not null`),
  ],
);

export const targetCollaborationsDoc: RelationDoc = documentTable(
  targetCollaborations,
  'Target collaborations of a shop (docs/tiktok-api.md#target-collaborations POST /affiliate_seller/202508/target_collaborations/search, ' +
    'run once per collaboration_status, and docs/tiktok-api.md#target-collaboration-detail GET .../target_collaborations/{id} for the detail). ' +
    'Grain: (shop_id, target_collaboration_id). Snapshot.',
  {
    shop_id: 'Owner: the TikTok shop id whose shop_cipher the sync used.',
    target_collaboration_id: 'Target collaboration id. Source: target_collaborations[].id.',
    collaboration_status:
      'The search status filter under which the sync found it: ONGOING (>7 days left), EXPIRING (<7 days), ' +
      'CANCELING, COMPLETED (expired or cancelled). Source: request body collaboration_status.',
    name: 'Name. Source: name (detail when fetched, else search).',
    message: 'Message to creators. Source: message.',
    type: 'Type as sent: STANDARD, TOP_CREATOR_PROGRAM. Source: type.',
    start_time: 'Start (UTC; API sends Unix seconds). Source: start_time.',
    end_time: 'End (UTC; API sends Unix seconds). Source: end_time.',
    update_time: 'Last update (UTC; API sends Unix seconds). Source: update_time.',
    creator_invited_count:
      'Creators invited (detail counts NORMAL ones only). Source: detail creator_invited_count, else the ' +
      'search field creator_inivited_count (sic: the typo is the real field name in the search, docs/tiktok-api.md#target-collaborations).',
    showcase_creator_count: 'Creators showcasing the products. Source: showcase_creator_count.',
    content_creator_count: 'Creators who made content. Source: content_creator_count.',
    product_count: 'Products in the collaboration. Source: product_count.',
    has_free_sample: 'Free samples offered. Source: free_sample_rule.has_free_sample.',
    is_sample_approval_exempt:
      'Sample requests need no approval. Source: free_sample_rule.is_sample_approval_exempt.',
    seller_contact_email: 'Seller contact email (detail only). Source: detail seller_contact_info.email.',
    detail_fetched:
      'Whether the GET detail succeeded in the last sync; when false, detail-only columns are null and the ' +
      'products/creators rows were not refreshed.',
    raw: 'The search record as received (docs/tiktok-api.md#target-collaborations).',
    raw_detail:
      'The detail object as received WITHOUT products[] and creators[] (kept row by row in ' +
      'target_collaboration_products.raw / target_collaboration_creators.raw); null when not fetched.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const targetCollaborationProductsDoc: RelationDoc = documentTable(
  targetCollaborationProducts,
  'Products of a target collaboration (docs/tiktok-api.md#target-collaboration-detail detail products[]). ' +
    'Grain: (shop_id, target_collaboration_id, product_id). Snapshot.',
  {
    shop_id: 'Owner: the TikTok shop id.',
    target_collaboration_id: 'Target collaboration id. Joins target_collaborations.',
    product_id: 'Product id. Source: products[].id.',
    title: 'Product title. Source: products[].title.',
    main_image_url: 'Main image URL. Source: products[].main_image_url.',
    status:
      'Product status as sent: LIVE, OUT_OF_STOCK, SELLER_DEACTIVATE, PLATFORM_DEACTIVATE, GNE_REJECT, DELETE, ' +
      'OTHER. Source: products[].status.',
    collaboration_status: 'Membership of the product in the collaboration, ' + MEMBER_STATUS_DOC,
    commission_effective_status:
      'Whether the commission is effective, ' +
      EFFECTIVE_STATUS_DOC +
      ' Source: products[].commission_effective_status.',
    ...priceRangeDocs('original_price', 'products[].original_price', 'Original price range'),
    ...bpsDocs('commission_rate', 'products[].commission.rate', 'Target commission rate (range 100-8000)'),
    ...bpsDocs(
      'shop_ads_commission_rate',
      'products[].commission.shop_ads_commission_rate (202508 only)',
      'Shop-ads commission rate',
    ),
    commission_effective_time:
      'When the commission takes effect (UTC). The API sends Unix seconds AS A STRING (docs/tiktok-api.md#field-conventions). ' +
      'Source: products[].commission.effective_time.',
    ...priceRangeDocs('commission', 'products[].commission', 'Estimated commission range per unit'),
    raw: 'The product object as received (detail products[i]).',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const targetCollaborationCreatorsDoc: RelationDoc = documentTable(
  targetCollaborationCreators,
  'Creators invited to a target collaboration (docs/tiktok-api.md#target-collaboration-detail detail creators[]). ' +
    'Grain: (shop_id, target_collaboration_id, creator_key). Snapshot.',
  {
    shop_id: 'Owner: the TikTok shop id.',
    target_collaboration_id: 'Target collaboration id. Joins target_collaborations.',
    creator_key:
      'creator_open_id when the API gives it (202508), else the username (docs/warehouse.md). A creator first ' +
      'seen without an open id and later with one appears under the new key; the old row is tombstoned.',
    creator_open_id: 'Per-app creator Open ID (202508 only). Source: creators[].creator_open_id.',
    user_id: 'Plain creator id (202409 only, deprecated by TikTok). Source: creators[].user_id.',
    username: 'TikTok username. Source: creators[].username.',
    nickname: 'Display name. Source: creators[].nickname.',
    avatar_url: 'Avatar URL (signed CDN URL, may expire). Source: creators[].avatar.url.',
    selection_region: 'Region the creator was selected in. Source: creators[].selection_region.',
    showcase_product_count: 'Products the creator showcases. Source: creators[].showcase_product_count.',
    content_product_count: 'Products the creator made content for. Source: creators[].content_product_count.',
    collaboration_status: 'Membership of the creator in the collaboration, ' + MEMBER_STATUS_DOC,
    product_effective_status:
      'Whether the products are effective for the creator, ' +
      EFFECTIVE_STATUS_DOC +
      ' Source: creators[].product_effective_status.',
    raw: 'The creator object as received (detail creators[i]).',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);
