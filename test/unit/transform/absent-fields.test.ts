/**
 * "Absent keeps, null clears" (src/core/absent-columns.ts): for every normalizer and every top-level
 * field of its official example that the record contract does not require, a record without that
 * field must mark every column it changed (to NULL) as absent, so that the loader keeps the stored
 * value; a record with the field sent as an explicit null marks nothing (it clears).
 */
import { describe, expect, it } from 'vitest';
import { ABSENT_COLUMNS, absentColumnsOf } from '../../../src/core/absent-columns.ts';
import { NORMALIZERS } from '../../../src/jobs/normalizers.ts';
import { RECORD_CONTRACTS } from '../../../src/transform/index.ts';
import type { NormalizeResult } from '../../../src/transform/types.ts';
import { ctx } from './examples.ts';
import { GOOD } from './good-records.ts';

type Name = keyof typeof RECORD_CONTRACTS;
type Row = Record<string, unknown>;

const OWNER = '7000714532876273420';
const SCOPE = { search_id: 's1', campaign_id: 'c1', product_id: 'p1', shop_id: 'shop1' };

function normalize(name: Name, record: Row): NormalizeResult {
  return NORMALIZERS[name]([record], ctx(OWNER, SCOPE));
}

/** Columns that carry the record as received: they differ whenever the record does, by design. */
const isRawColumn = (column: string) => column === 'raw' || column.startsWith('raw_');

/** Per table and row position: the columns whose value differs between the two results. */
function changed(
  full: NormalizeResult,
  drifted: NormalizeResult,
): { table: string; row: Row; columns: string[] }[] {
  const out: { table: string; row: Row; columns: string[] }[] = [];
  for (const [table, rows] of Object.entries(drifted.rows) as [string, Row[]][]) {
    rows.forEach((row, i) => {
      const before = (full.rows as Record<string, Row[]>)[table]?.[i] ?? {};
      const columns = Object.keys(row).filter(
        (c) => !isRawColumn(c) && JSON.stringify(row[c]) !== JSON.stringify(before[c]),
      );
      out.push({ table, row, columns });
    });
  }
  return out;
}

const names = Object.keys(RECORD_CONTRACTS) as Name[];

/**
 * Parts of a record that the extract layer composes from several calls (never an API field that can be
 * absent): a target collaboration is {search, detail, collaboration_status}, a partner campaign
 * {summary, detail}.
 */
const COMPOSED: Partial<Record<Name, readonly string[]>> = {
  normalizeTargetCollaborations: ['search', 'detail', 'collaboration_status'],
  normalizePartnerCampaigns: ['summary', 'detail'],
};

/** The marks of every row, in order. */
function marks(r: NormalizeResult): string[][] {
  return (Object.values(r.rows) as Row[][]).flatMap((rows) => rows.map((row) => [...absentColumnsOf(row)]));
}

describe.each(names)('%s: an absent optional field keeps the stored value', (name) => {
  const required = new Set(
    RECORD_CONTRACTS[name].contract.fields.filter((f) => f.required).map((f) => f.field),
  );
  const optional = Object.keys(GOOD[name]()).filter(
    (k) => !required.has(k) && !(COMPOSED[name] ?? []).includes(k),
  );

  it('a record marks only NULL columns, of fields it does not carry', () => {
    const record = GOOD[name]();
    const r = normalize(name, record);
    for (const rows of Object.values(r.rows) as Row[][])
      for (const row of rows) for (const column of absentColumnsOf(row)) expect(row[column]).toBeNull();
  });

  it.each(optional)('without %s: every column it nulled is marked absent', (field) => {
    const full = normalize(name, GOOD[name]());
    const record = GOOD[name]();
    delete record[field];
    const drifted = normalize(name, record);
    if (drifted.rejected.length > 0) {
      // An optional field may only be refused for its type, never for being absent.
      throw new Error(`${name} rejected a record without optional ${field}: ${drifted.rejected[0]?.reason}`);
    }
    for (const { table, row, columns } of changed(full, drifted)) {
      const marked = absentColumnsOf(row);
      for (const column of columns) {
        expect(row[column], `${table}.${column} changed without ${field}: only to NULL`).toBeNull();
        expect(marked, `${table}.${column} nulled without ${field} but not marked absent`).toContain(column);
      }
      // Every marked column is NULL in the row (a value is never dropped for the stored one).
      for (const column of marked) expect(row[column], `${table}.${column}`).toBeNull();
    }
  });

  it.each(optional)('%s sent as an explicit null marks nothing more (null clears)', (field) => {
    const record = GOOD[name]();
    record[field] = null;
    expect(marks(normalize(name, record))).toEqual(marks(normalize(name, GOOD[name]())));
  });
});

describe('the tracking view never reaches a row', () => {
  it('raw columns hold the record itself, serializable as received', () => {
    const record = GOOD.normalizeSellerOrders();
    delete record['campaign_id'];
    const r = normalize('normalizeSellerOrders', record);
    const order = (r.rows as Record<string, Row[]>)['sellerOrders']![0]!;
    expect(order['raw']).toBe(record);
    expect(ABSENT_COLUMNS in order || absentColumnsOf(order).length === 0).toBe(true);
  });
});
