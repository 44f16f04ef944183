/**
 * The contract between src/transform and src/load/schema: each normalizer emits rows keyed by the table
 * export name, whose keys are exactly that table's columns minus the loader-owned bookkeeping ones
 * (src/transform/types.ts TableRows). A column added on one side only fails here. The rows are checked
 * as the loader writes them: the orders' raw moved to its side table (src/load/order-raw.ts).
 */
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as analytics from '../../../src/load/schema/analytics.ts';
import { BOOKKEEPING_COLUMNS, SNAPSHOT_COLUMNS } from '../../../src/load/schema/columns.ts';
import { HASH_COLUMN } from '../../../src/load/table-shape.ts';
import { ORDER_LINE_CARRIED_COLUMNS } from '../../../src/load/schema/order-partitions.ts';
import { ORDER_LINES } from '../../../src/load/order-lines.ts';
import { withRawApart } from '../../../src/load/order-raw.ts';
import * as transform from '../../../src/transform/index.ts';
import type { NormalizeResult } from '../../../src/transform/types.ts';
import { ctx, example, exampleList } from '../transform/examples.ts';
import { tapOrderExample } from '../transform/partner-order-example.ts';
import { performanceExample } from '../transform/performance-example.ts';

const LOADER_OWNED = new Set<string>([...BOOKKEEPING_COLUMNS, ...SNAPSHOT_COLUMNS, HASH_COLUMN]);
/** Order line tables get their order's create_time and status from the loader (order-lines.ts). */
const LINE_TABLES = new Set(ORDER_LINES.map((spec) => spec.child));
const CARRIED = new Set<string>(ORDER_LINE_CARRIED_COLUMNS);

function expectedColumns(exportName: string): string[] {
  const table = (analytics as unknown as Record<string, PgTable | undefined>)[exportName];
  if (!table) throw new Error(`no table exported as ${exportName}`);
  return getTableConfig(table)
    .columns.map((c) => c.name)
    .filter((n) => !LOADER_OWNED.has(n) && !(LINE_TABLES.has(exportName) && CARRIED.has(n)))
    .sort();
}

const targetDetail = example('affiliate-seller-202508-target-collaboration-detail').data;
const campaignDetail = example('affiliate-partner-202405-campaign-detail').data;

const CASES: [string, () => NormalizeResult][] = [
  [
    'seller orders',
    () =>
      transform.normalizeSellerOrders(
        exampleList('affiliate-seller-202410-orders-search', 'orders'),
        ctx('s'),
      ),
  ],
  [
    'creator orders',
    () =>
      transform.normalizeCreatorOrders(
        exampleList('affiliate-creator-202410-orders-search', 'orders'),
        ctx('c'),
      ),
  ],
  [
    'open collaborations',
    () =>
      transform.normalizeOpenCollaborations(
        exampleList('affiliate-seller-202412-open-collaborations-search', 'open_collaborations'),
        ctx('s'),
      ),
  ],
  [
    'open collaboration products',
    () =>
      transform.normalizeOpenCollaborationProducts(
        exampleList('affiliate-seller-202405-open-collaborations-products-search', 'products'),
        ctx('s', { search_id: 'q' }),
      ),
  ],
  [
    'creator target collaborations',
    () =>
      transform.normalizeCreatorTargetCollaborations(
        exampleList('affiliate-creator-202405-target-collaborations-search', 'target_collaborations'),
        ctx('c', { shop_id: 'shop1' }),
      ),
  ],
  [
    'creator open collaboration products',
    () =>
      transform.normalizeCreatorOpenCollaborationProducts(
        exampleList('affiliate-seller-202405-open-collaborations-products-search', 'products'),
        ctx('c', { search_id: 'q' }),
      ),
  ],
  [
    'target collaborations',
    () =>
      transform.normalizeTargetCollaborations(
        exampleList('affiliate-seller-202508-target-collaborations-search', 'target_collaborations').map(
          (s) => ({
            search: s,
            detail: targetDetail,
            collaboration_status: 'ONGOING',
          }),
        ),
        ctx('s'),
      ),
  ],
  [
    'partner campaigns',
    () =>
      transform.normalizePartnerCampaigns(
        [
          {
            summary: {
              ...exampleList('affiliate-partner-202405-campaigns', 'campaigns')[0],
              id: campaignDetail['id'],
            },
            detail: campaignDetail,
          },
        ],
        ctx('p'),
      ),
  ],
  [
    'partner campaign products',
    () =>
      transform.normalizePartnerCampaignProducts(
        exampleList('affiliate-partner-202405-campaign-products', 'products'),
        ctx('p', { campaign_id: 'c' }),
      ),
  ],
  [
    'campaign creator fulfillment',
    () =>
      transform.normalizeCampaignCreatorFulfillment(
        exampleList('affiliate-partner-202508-creator-fulfillment-status-info', 'promotion_creators'),
        ctx('p', { campaign_id: 'c', product_id: 'x' }),
      ),
  ],
  [
    'partner orders (skus as one object and as a list)',
    () => {
      const single = tapOrderExample();
      const listed = { ...tapOrderExample(), id: '576470906384928385', skus: [single['skus']] };
      return transform.normalizePartnerOrders([single, listed], ctx('p'));
    },
  ],
  [
    'campaign product performance',
    () =>
      transform.normalizeCampaignProductPerformance([performanceExample()], ctx('p', { campaign_id: 'c' })),
  ],
];

describe.each(CASES)('%s rows match their tables', (_name, run) => {
  it('every table gets rows whose keys are exactly its non-bookkeeping columns', () => {
    const result = run();
    expect(result.rejected).toEqual([]);
    for (const [exportName, rows] of Object.entries(withRawApart(result.rows))) {
      expect(rows.length, exportName).toBeGreaterThan(0);
      for (const row of rows)
        expect(Object.keys(row).sort(), exportName).toEqual(expectedColumns(exportName));
    }
  });

  it('primary-key columns are never null', () => {
    for (const [exportName, rows] of Object.entries(withRawApart(run().rows))) {
      const table = (analytics as unknown as Record<string, PgTable>)[exportName] as PgTable;
      const pk = getTableConfig(table).primaryKeys[0]?.columns.map((c) => c.name) ?? [];
      for (const row of rows)
        for (const c of pk) {
          if (LINE_TABLES.has(exportName) && CARRIED.has(c)) continue;
          // The month partition key of the order tables is a time, every other key column text.
          expect(row[c] instanceof Date || typeof row[c], `${exportName}.${c}`).toBe(
            c === 'create_time' ? true : 'string',
          );
        }
    }
  });
});

it('every API-fed analytics table is fed by some normalizer (creators is kept by the loader)', () => {
  const fed = new Set(CASES.flatMap(([, run]) => Object.keys(withRawApart(run().rows))));
  expect(fed.has('creators')).toBe(false);
  expect(fed.size).toBe(analytics.analyticsDocs.filter((d) => d.name !== 'creators').length);
});
