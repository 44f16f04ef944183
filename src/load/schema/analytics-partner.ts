/**
 * Affiliate partner (TAP) campaigns: list + detail (docs/tiktok-api.md#partner-campaigns, docs/tiktok-api.md#campaign-detail) and campaign products (docs/tiktok-api.md#campaign-products).
 * Snapshot streams. Grain (docs/warehouse.md#tables): partner_campaigns (partner_id, campaign_id);
 * partner_campaign_products (partner_id, campaign_id, product_id).
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
  snapshotBookkeeping,
  snapshotBookkeepingDocs,
  rowHash,
  rowHashDocs,
} from './columns.ts';
import { tiktokAffiliate } from './analytics-schema.ts';

export const partnerCampaigns = tiktokAffiliate.table(
  'partner_campaigns',
  {
    partner_id: text().notNull(),
    campaign_id: text().notNull(),
    name: text(),
    status: text(),
    registration_start_time: instant(),
    registration_end_time: instant(),
    campaign_start_time: instant(),
    campaign_end_time: instant(),
    region: text(),
    ...bps('commission_rate'),
    description: text(),
    target_shops: jsonb(),
    target_seller_types: text().array(),
    contact_info: jsonb(),
    detail_fetched: boolean().notNull(),
    raw: jsonb().notNull(),
    raw_detail: jsonb(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({ name: 'partner_campaigns_pkey', columns: [t.partner_id, t.campaign_id] }),
    index('partner_campaigns_active_idx').on(t.partner_id, t.status).where(sql`is_active`),
    index('partner_campaigns_start_time_idx').on(t.partner_id, t.campaign_start_time),
  ],
);

export const partnerCampaignProducts = tiktokAffiliate.table(
  'partner_campaign_products',
  {
    partner_id: text().notNull(),
    campaign_id: text().notNull(),
    product_id: text().notNull(),
    name: text(),
    review_status: text(),
    shop_name: text(),
    main_image_url: text(),
    ...money('lowest_price'),
    ...money('highest_price'),
    inventory: integer(),
    ...bps('total_commission_rate'),
    ...bps('creator_commission_rate'),
    ...bps('partner_commission_rate'),
    ...bps('open_collaboration_commission_rate'),
    is_available: boolean(),
    product_sales: integer(),
    category_id: text(),
    category_name: text(),
    sample_quota: integer(),
    product_description: text(),
    sku_information_list: jsonb(),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'partner_campaign_products_pkey',
      columns: [t.partner_id, t.campaign_id, t.product_id],
    }),
    index('partner_campaign_products_product_idx').on(t.product_id),
    index('partner_campaign_products_active_idx')
      .on(t.partner_id, t.campaign_id, t.review_status)
      .where(sql`is_active`),
  ],
);

export const partnerCampaignsDoc: RelationDoc = documentTable(
  partnerCampaigns,
  "An affiliate partner's campaigns (docs/tiktok-api.md#partner-campaigns GET /affiliate_partner/202405/campaigns, with docs/tiktok-api.md#campaign-detail " +
    'GET .../campaigns/{id} for the detail fields). Grain: (partner_id, campaign_id). Snapshot.',
  {
    partner_id:
      'Owner: the category asset cipher the sync used (etl.connections category_assets[].cipher): one partner ' +
      'account may hold several category assets, each with its own campaigns.',
    campaign_id: 'Campaign id. Source: campaigns[].id.',
    name: 'Campaign name (< 50 chars). Source: name.',
    status: 'Status as sent: READY, UPCOMING, ONGOING, CLOSED. Source: status.',
    registration_start_time:
      'Registration opens (UTC; API sends Unix seconds). Source: registration_start_time.',
    registration_end_time:
      'Registration closes (UTC; API sends Unix seconds). Source: registration_end_time.',
    campaign_start_time: 'Campaign starts (UTC; API sends Unix seconds). Source: campaign_start_time.',
    campaign_end_time: 'Campaign ends (UTC; API sends Unix seconds). Source: campaign_end_time.',
    region: 'Region code, e.g. US (detail only). Source: detail region.',
    ...bpsDocs(
      'commission_rate',
      'detail commission_rate',
      'Total commission rate shown to sellers (detail only)',
    ),
    description: 'Description (< 1000 chars, detail only). Source: detail description.',
    target_shops: 'Target shops as sent: array of {code, name} (detail only). Source: detail target_shops.',
    target_seller_types:
      'Target seller types: LOCAL, CROSS_BORDER (detail only). Source: detail target_seller_types.',
    contact_info:
      'Contact channels as sent: {whatsapp, email, phone, zalo, viber, line} (detail only). Source: detail contact_info.',
    detail_fetched:
      'Whether the GET detail succeeded in the last sync; when false, detail-only columns are null.',
    raw: 'The campaign list record as received (docs/tiktok-api.md#partner-campaigns).',
    raw_detail:
      'The campaign detail as received (docs/tiktok-api.md#campaign-detail); null when not fetched.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const partnerCampaignProductsDoc: RelationDoc = documentTable(
  partnerCampaignProducts,
  'Products of a partner campaign (docs/tiktok-api.md#campaign-products GET /affiliate_partner/202405/campaigns/{id}/products). ' +
    'Grain: (partner_id, campaign_id, product_id). Snapshot per campaign.',
  {
    partner_id: 'Owner: the category asset cipher the sync used. Joins partner_campaigns.',
    campaign_id: 'Campaign id. Joins partner_campaigns.',
    product_id: 'Product id. Source: products[].id.',
    name: 'Product name. Source: products[].name.',
    review_status:
      'Review status as sent: PENDING, APPROVED, REJECTED, PENDING_CLOSED, CLOSED. Source: products[].review_status.',
    shop_name: 'Selling shop name. Source: products[].shop_name.',
    main_image_url: 'Main image URL. Source: products[].main_image_url.',
    ...moneyDocs('lowest_price', 'products[].lowest_price', 'Lowest SKU price'),
    ...moneyDocs('highest_price', 'products[].highest_price', 'Highest SKU price'),
    inventory: 'Units in stock. Source: products[].inventory.',
    ...bpsDocs('total_commission_rate', 'products[].total_commission_rate', 'Total commission rate'),
    ...bpsDocs('creator_commission_rate', 'products[].creator_commission_rate', "Creator's commission rate"),
    ...bpsDocs('partner_commission_rate', 'products[].partner_commission_rate', "Partner's commission rate"),
    ...bpsDocs(
      'open_collaboration_commission_rate',
      'products[].open_collaboration_commission_rate',
      'Open-collaboration commission rate',
    ),
    is_available: 'Whether the product URL is available. Source: products[].is_available.',
    product_sales: 'Units sold in this campaign. Source: products[].product_sales.',
    category_id: 'Leaf category id. Source: products[].category.id.',
    category_name: 'Leaf category name. Source: products[].category.name.',
    sample_quota: 'Free sample quota. Source: products[].sample_quota.',
    product_description: 'Product description (HTML as sent). Source: products[].product_description.',
    sku_information_list:
      'SKUs as sent: array of {sku_id, sku_name, inventory{available_quantity}, base_price, region_prices[], ' +
      'properties[]} (prices are decimal strings). Source: products[].sku_information_list.',
    raw: 'The product object as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);
