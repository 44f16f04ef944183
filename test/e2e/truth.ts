/**
 * Ground-truth comparison for the end-to-end tests: the sandbox's ground truth (API-shaped records
 * grouped as each stream fetches them) is run through the SAME normalizers and compared with the
 * warehouse, table by table, row by row, value by value, ignoring the loader's bookkeeping columns.
 */
import { Decimal } from 'decimal.js';
import type { StreamName } from '../../src/core/streams.ts';
import type { Db } from '../../src/load/db.ts';
import { withOrderColumns } from '../../src/load/order-lines.ts';
import { withRawApart } from '../../src/load/order-raw.ts';
import { tableByName } from '../../src/load/tables.ts';
import { tableShape } from '../../src/load/table-shape.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import * as transform from '../../src/transform/index.ts';
import type { NormalizeContext, NormalizeResult } from '../../src/transform/types.ts';

type Normalize = (records: unknown[], ctx: NormalizeContext) => NormalizeResult;

const BY_ENDPOINT: Record<string, Normalize> = {
  seller_orders: transform.normalizeSellerOrders,
  creator_orders: transform.normalizeCreatorOrders,
  open_collaborations: transform.normalizeOpenCollaborations,
  open_collaboration_products: transform.normalizeOpenCollaborationProducts,
  target_collaborations: transform.normalizeTargetCollaborations,
  campaigns: transform.normalizePartnerCampaigns,
  campaign_products: transform.normalizePartnerCampaignProducts,
  fulfillment: transform.normalizeCampaignCreatorFulfillment,
  partner_orders: transform.normalizePartnerOrders,
  campaign_product_performance: transform.normalizeCampaignProductPerformance,
  creator_target_collaborations: transform.normalizeCreatorTargetCollaborations,
  creator_open_collaboration_products: transform.normalizeCreatorOpenCollaborationProducts,
};

/** Tables each stream writes, with the column that scopes an owner's rows. */
export const STREAM_TABLES: Record<StreamName, { table: string; scopeColumn: string }[]> = {
  seller_affiliate_orders: [
    { table: 'sellerOrders', scopeColumn: 'shop_id' },
    { table: 'sellerOrderSkus', scopeColumn: 'shop_id' },
    { table: 'sellerOrderRaw', scopeColumn: 'shop_id' },
  ],
  creator_affiliate_orders: [
    { table: 'creatorOrders', scopeColumn: 'creator_id' },
    { table: 'creatorOrderSkus', scopeColumn: 'creator_id' },
    { table: 'creatorOrderRaw', scopeColumn: 'creator_id' },
  ],
  open_collaborations: [{ table: 'openCollaborations', scopeColumn: 'shop_id' }],
  open_collaboration_products: [{ table: 'openCollaborationProducts', scopeColumn: 'search_id' }],
  target_collaborations: [
    { table: 'targetCollaborations', scopeColumn: 'shop_id' },
    { table: 'targetCollaborationProducts', scopeColumn: 'shop_id' },
    { table: 'targetCollaborationCreators', scopeColumn: 'shop_id' },
  ],
  partner_campaigns: [
    { table: 'partnerCampaigns', scopeColumn: 'partner_id' },
    { table: 'partnerCampaignProducts', scopeColumn: 'partner_id' },
  ],
  campaign_creator_fulfillment: [
    { table: 'campaignCreatorFulfillment', scopeColumn: 'partner_id' },
    { table: 'campaignCreatorFulfillmentDaily', scopeColumn: 'partner_id' },
  ],
  partner_affiliate_orders: [
    { table: 'partnerOrders', scopeColumn: 'partner_id' },
    { table: 'partnerOrderSkus', scopeColumn: 'partner_id' },
  ],
  campaign_product_performance: [
    { table: 'campaignProductPerformance', scopeColumn: 'partner_id' },
    { table: 'campaignProductPerformanceDaily', scopeColumn: 'partner_id' },
  ],
  creator_target_collaborations: [
    { table: 'creatorTargetCollaborations', scopeColumn: 'creator_id' },
    { table: 'creatorTargetCollaborationProducts', scopeColumn: 'creator_id' },
  ],
  creator_open_collaboration_products: [
    { table: 'creatorOpenCollaborationProducts', scopeColumn: 'creator_id' },
  ],
};

/** History tables: one row a day, of which the ground truth knows only today's. */
const DAILY_TABLES = new Set(['campaignCreatorFulfillmentDaily', 'campaignProductPerformanceDaily']);

const D = Decimal.clone({ toExpPos: 1000, toExpNeg: -1000 });

/** One comparable form per value, whatever side (JS normalizer output or postgres.js) it came from. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint') return new D(value.toString()).toString();
  if (typeof value === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(value) && !/^-?0\d/.test(value)) return new D(value).toString();
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00.000Z`;
    return value;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort())
      out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export interface TruthOptions {
  /** Only orders created before this instant (the sync's watermark: newer ones are not due yet). */
  createdBefore?: Date;
  /** search_id of open_collaboration_products (the default search when none is saved). */
  searchId?: string;
  now: Date;
}

/** Expected rows per table for one (stream, owner), from the sandbox's ground truth. */
export async function expectedRows(
  sandbox: Sandbox,
  stream: StreamName,
  ownerId: string,
  opts: TruthOptions,
): Promise<Map<string, Record<string, unknown>[]>> {
  const truth = await sandbox.groundTruth(stream, ownerId);
  const out = new Map<string, Record<string, unknown>[]>();
  for (const group of truth.groups) {
    const normalize = BY_ENDPOINT[group.endpoint];
    if (!normalize) throw new Error(`no normalizer for ground-truth endpoint ${group.endpoint}`);
    let records = group.records;
    if (opts.createdBefore) {
      const limit = opts.createdBefore.getTime() / 1000;
      records = records.filter((r) => Number(r['create_time']) < limit);
    }
    const scope = {
      ...group.scope,
      ...(stream === 'open_collaboration_products' || stream === 'creator_open_collaboration_products'
        ? { search_id: opts.searchId ?? 'default' }
        : {}),
    };
    const result = normalize(records, { ownerId, now: opts.now, scope });
    // As the loader stores them: order lines carry their order's create_time and status, the orders'
    // raw is in its side table.
    for (const [table, rows] of Object.entries(withRawApart(withOrderColumns(result.rows)))) {
      const list = out.get(table) ?? [];
      list.push(...rows);
      out.set(table, list);
    }
  }
  return out;
}

function keyOf(row: Record<string, unknown>, pk: string[]): string {
  return pk.map((c) => String(canonical(row[c]))).join('|');
}

export interface TableDiff {
  table: string;
  expected: number;
  actual: number;
  missing: string[];
  extra: string[];
  different: { key: string; column: string; expected: unknown; actual: unknown }[];
}

/** Differences between the warehouse and the ground truth for one (stream, owner); empty when equal. */
export async function diffAgainstTruth(
  db: Db,
  sandbox: Sandbox,
  stream: StreamName,
  ownerId: string,
  opts: TruthOptions,
): Promise<TableDiff[]> {
  const expected = await expectedRows(sandbox, stream, ownerId, opts);
  const diffs: TableDiff[] = [];
  for (const { table, scopeColumn } of STREAM_TABLES[stream]) {
    const shape = tableShape(tableByName(table));
    const scopeValue = scopeColumn === 'search_id' ? (opts.searchId ?? 'default') : ownerId;
    const active = shape.snapshot ? ' and is_active' : '';
    // Daily history keeps earlier days on purpose: the ground truth is today's snapshot only.
    const today = DAILY_TABLES.has(table) ? opts.now.toISOString().slice(0, 10) : null;
    const actualRows = await db.sql.unsafe<Record<string, unknown>[]>(
      `select * from ${shape.qualified} where "${scopeColumn}" = $1${active}${today ? ' and snapshot_date = $2' : ''}`,
      today ? [scopeValue, today] : [scopeValue],
    );
    const exp = new Map((expected.get(table) ?? []).map((r) => [keyOf(r, shape.primaryKey), r]));
    const act = new Map(actualRows.map((r) => [keyOf(r, shape.primaryKey), r]));
    const diff: TableDiff = {
      table,
      expected: exp.size,
      actual: act.size,
      missing: [],
      extra: [],
      different: [],
    };
    for (const key of exp.keys()) if (!act.has(key)) diff.missing.push(key);
    for (const key of act.keys()) if (!exp.has(key)) diff.extra.push(key);
    for (const [key, e] of exp) {
      const a = act.get(key);
      if (!a) continue;
      for (const column of Object.keys(e)) {
        const ce = canonical(e[column]);
        const ca = canonical(a[column]);
        if (JSON.stringify(ce) !== JSON.stringify(ca))
          diff.different.push({ key, column, expected: ce, actual: ca });
      }
    }
    if (diff.missing.length || diff.extra.length || diff.different.length) {
      diffs.push({
        ...diff,
        missing: diff.missing.slice(0, 5),
        extra: diff.extra.slice(0, 5),
        different: diff.different.slice(0, 5),
      });
    }
  }
  return diffs;
}

/** Number of rows of the stream's tables for the owner (all tables), to prove a test is not vacuous. */
export async function countRows(
  db: Db,
  stream: StreamName,
  ownerId: string,
  searchId = 'default',
): Promise<number> {
  let n = 0;
  for (const { table, scopeColumn } of STREAM_TABLES[stream]) {
    const shape = tableShape(tableByName(table));
    const value = scopeColumn === 'search_id' ? searchId : ownerId;
    const [row] = await db.sql.unsafe<{ n: string }[]>(
      `select count(*) as n from ${shape.qualified} where "${scopeColumn}" = $1`,
      [value],
    );
    n += Number(row?.n ?? 0);
  }
  return n;
}
