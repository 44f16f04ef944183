import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as analytics from '../../../src/load/schema/analytics.ts';
import { BOOKKEEPING_COLUMNS, SNAPSHOT_COLUMNS } from '../../../src/load/schema/columns.ts';
import { documentTable } from '../../../src/load/schema/docs.ts';
import { viewDocs, views } from '../../../src/load/schema/views.ts';

/** docs/warehouse.md#tables: export name -> [SQL name, grain = primary key, snapshot table?]. */
const CONTRACT: Record<string, [string, string[], boolean]> = {
  // Order tables: the grain plus create_time, their month partition key (every unique key must hold it).
  sellerOrders: ['seller_orders', ['shop_id', 'order_id', 'create_time'], false],
  sellerOrderSkus: ['seller_order_skus', ['shop_id', 'order_id', 'create_time', 'line_key'], false],
  creatorOrders: ['creator_orders', ['creator_id', 'order_id', 'create_time'], false],
  creatorOrderSkus: ['creator_order_skus', ['creator_id', 'order_id', 'create_time', 'sku_id'], false],
  // The orders as sent, beside the order rows, keyed like them.
  sellerOrderRaw: ['seller_order_raw', ['shop_id', 'order_id', 'create_time'], false],
  creatorOrderRaw: ['creator_order_raw', ['creator_id', 'order_id', 'create_time'], false],
  openCollaborations: ['open_collaborations', ['shop_id', 'open_collaboration_id'], true],
  openCollaborationProducts: ['open_collaboration_products', ['search_id', 'product_id'], true],
  targetCollaborations: ['target_collaborations', ['shop_id', 'target_collaboration_id'], true],
  targetCollaborationProducts: [
    'target_collaboration_products',
    ['shop_id', 'target_collaboration_id', 'product_id'],
    true,
  ],
  targetCollaborationCreators: [
    'target_collaboration_creators',
    ['shop_id', 'target_collaboration_id', 'creator_key'],
    true,
  ],
  partnerCampaigns: ['partner_campaigns', ['partner_id', 'campaign_id'], true],
  partnerCampaignProducts: ['partner_campaign_products', ['partner_id', 'campaign_id', 'product_id'], true],
  campaignCreatorFulfillment: [
    'campaign_creator_fulfillment',
    ['partner_id', 'campaign_id', 'product_id', 'creator_open_id'],
    true,
  ],
  campaignCreatorFulfillmentDaily: [
    'campaign_creator_fulfillment_daily',
    ['partner_id', 'campaign_id', 'product_id', 'creator_open_id', 'snapshot_date'],
    false,
  ],
  partnerOrders: ['partner_orders', ['partner_id', 'order_id', 'create_time'], false],
  partnerOrderSkus: ['partner_order_skus', ['partner_id', 'order_id', 'create_time', 'sku_id'], false],
  campaignProductPerformance: [
    'campaign_product_performance',
    ['partner_id', 'campaign_id', 'product_id'],
    true,
  ],
  campaignProductPerformanceDaily: [
    'campaign_product_performance_daily',
    ['partner_id', 'campaign_id', 'product_id', 'snapshot_date'],
    false,
  ],
  creatorTargetCollaborations: [
    'creator_target_collaborations',
    ['creator_id', 'shop_id', 'target_collaboration_id'],
    true,
  ],
  creatorTargetCollaborationProducts: [
    'creator_target_collaboration_products',
    ['creator_id', 'shop_id', 'target_collaboration_id', 'product_id'],
    true,
  ],
  creatorOpenCollaborationProducts: [
    'creator_open_collaboration_products',
    ['creator_id', 'search_id', 'product_id'],
    true,
  ],
  // The creators dimension, kept by the loader from the other tables' rows (src/load/creators.ts).
  creators: ['creators', ['creator_key'], false],
};

const tableOf = (exportName: string) =>
  (analytics as unknown as Record<string, PgTable>)[exportName] as PgTable;
const entries = Object.entries(CONTRACT);

describe.each(entries)('%s', (exportName, [sqlName, grain, snapshot]) => {
  const config = getTableConfig(tableOf(exportName));
  const columns = config.columns.map((c) => c.name);

  it(`is tiktok_affiliate.${sqlName} with primary key (${grain.join(', ')})`, () => {
    expect(config.schema).toBe('tiktok_affiliate');
    expect(config.name).toBe(sqlName);
    expect(config.primaryKeys).toHaveLength(1);
    expect(config.primaryKeys[0]?.columns.map((c) => c.name)).toEqual(grain);
    // Explicit short names: Postgres truncates identifiers beyond 63 bytes.
    expect(config.primaryKeys[0]?.getName().length).toBeLessThanOrEqual(63);
    for (const i of config.indexes) expect(i.config.name?.length ?? 0).toBeLessThanOrEqual(63);
  });

  it('has the bookkeeping columns (and snapshot columns exactly when it is a snapshot table)', () => {
    for (const c of BOOKKEEPING_COLUMNS) expect(columns).toContain(c);
    for (const c of SNAPSHOT_COLUMNS) expect(columns.includes(c)).toBe(snapshot);
  });

  it('follows the column conventions (ids text, money numeric(20,4), bps integer, times timestamptz)', () => {
    for (const col of config.columns) {
      const type = col.getSQLType();
      // API ids are text; run ids are the pipeline's own bigint keys (etl.sync_runs.id).
      const apiId = /_id$|^line_key$|^creator_key$/.test(col.name) && !/run_id$/.test(col.name);
      if (apiId) expect([col.name, type]).toEqual([col.name, 'text']);
      if (/run_id$/.test(col.name)) expect(type).toBe('bigint');
      if (type.startsWith('numeric')) {
        expect(type).toBe('numeric(20, 4)');
        expect(col.name).toMatch(/_amount$/);
        const currency = col.name.endsWith('_amount') ? `${col.name}_currency` : '';
        const base = col.name.replace(/_(min_|max_)?amount$/, '_currency');
        expect(columns.includes(currency) || columns.includes(base)).toBe(true);
      }
      if (col.name.endsWith('_bps')) expect(type).toBe('integer');
      if (/_time$|_at$/.test(col.name)) expect(type).toBe('timestamp with time zone');
    }
    // Seller and creator orders keep their raw (the whole record, lines included) in a side table,
    // and their lines keep none of their own; daily history rows repeat indicators of a record whose
    // raw is kept in the current-state table.
    const rawless = [
      'sellerOrders',
      'creatorOrders',
      'campaignCreatorFulfillmentDaily',
      'campaignProductPerformanceDaily',
      'sellerOrderSkus',
      'creatorOrderSkus',
      'creators',
    ];
    expect(columns.includes('raw')).toBe(!rawless.includes(exportName));
  });

  it('is documented column by column in analyticsDocs', () => {
    const doc = analytics.analyticsDocs.find((d) => d.name === sqlName);
    expect(doc?.kind).toBe('table');
    expect(Object.keys(doc?.columns ?? {}).sort()).toEqual([...columns].sort());
    for (const text of Object.values(doc?.columns ?? {})) expect(text.length).toBeGreaterThan(10);
    expect(doc?.description).toContain('Grain');
  });
});

describe('analytics schema as a whole', () => {
  it('exports exactly the docs/warehouse.md#tables tables, each documented once', () => {
    expect(analytics.analyticsDocs.map((d) => d.name).sort()).toEqual(entries.map(([, [n]]) => n).sort());
  });

  it('documentTable refuses an undocumented or unknown column', () => {
    const { sellerOrders } = analytics;
    expect(() => documentTable(sellerOrders, 'x', {})).toThrow(/undocumented columns \[shop_id, order_id/);
    const all = Object.fromEntries(getTableConfig(sellerOrders).columns.map((c) => [c.name, 'c']));
    expect(() => documentTable(sellerOrders, 'x', { ...all, ghost: 'c' })).toThrow(
      /unknown columns \[ghost\]/,
    );
  });

  it('index names are unique in the schema', () => {
    const names = entries.flatMap(([e]) => getTableConfig(tableOf(e)).indexes.map((i) => i.config.name));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('views', () => {
  it('are the fixed analysts views, documented, with a SELECT body', () => {
    expect(views.map((v) => `${v.schema}.${v.name}`)).toEqual([
      'tiktok_affiliate.stream_freshness',
      'tiktok_affiliate.creator_performance_daily',
      'tiktok_affiliate.campaign_fulfillment_summary',
      'tiktok_affiliate.partner_campaign_orders_monthly',
      'tiktok_affiliate.owner_freshness',
      'tiktok_affiliate.current_open_collaboration_products',
      'tiktok_affiliate.creator_invitations',
    ]);
    for (const v of views) {
      expect(v.sql).toMatch(/^(select|with)\b/i);
      expect(v.sql).not.toMatch(/;\s*$/);
      expect(v.doc.kind).toBe('view');
      expect(Object.keys(v.doc.columns).length).toBeGreaterThan(5);
    }
    expect(viewDocs).toEqual(views.map((v) => v.doc));
  });

  it('stream_freshness reads exactly the docs/warehouse.md#pipeline-state sync_runs columns and no secret column', () => {
    const sql = views[0]?.sql ?? '';
    const used = [...sql.matchAll(/\br\.([a-z_]+)/g)].map((m) => m[1]);
    const contract = [
      'id',
      'connection_id',
      'stream',
      'trigger',
      'started_at',
      'finished_at',
      'status',
      'error_class',
    ];
    for (const c of used) expect(contract).toContain(c);
    expect(sql).not.toMatch(/_enc\b|app_key|token/);
  });
});
