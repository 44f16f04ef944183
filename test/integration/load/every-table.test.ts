/**
 * The loader against EVERY analytics table and every column type the schema uses: a row with a value
 * in every column round-trips exactly, re-loading it is a no-op, and nulling every nullable column is
 * one update. A table or column type added later is covered without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/load/db.ts';
import { analyticsTables } from '../../../src/load/tables.ts';
import { tableShape, type ColumnShape } from '../../../src/load/table-shape.ts';
import { upsertRows } from '../../../src/load/upsert.ts';
import { testDb } from './rows.ts';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});

function sample(column: ColumnShape, seed: number): unknown {
  const t = column.sqlType;
  if (t === 'text') return `${column.name}-${seed} ✓ "quoted" \\ back\nline two\ttab\u2028`;
  if (t.startsWith('numeric')) return `${seed}234567.0001`;
  if (t === 'integer') return 1000 + seed;
  if (t === 'bigint') return 9_007_199_254_740_000 + seed;
  if (t === 'timestamp with time zone') return new Date(Date.UTC(2024, 6, 31, 10, 3, 6, seed));
  if (t === 'date') return `2024-07-${10 + seed}`;
  if (t === 'boolean') return seed % 2 === 0;
  if (t === 'jsonb') return { seed, nested: [1, 'two', { three: null }], amount: '18446744073709551615' };
  if (t === 'text[]') return [`a${seed}`, 'b,c', 'd"e'];
  throw new Error(`no sample value for SQL type ${t} (${column.name}): extend this test`);
}

function expected(column: ColumnShape, value: unknown): unknown {
  if (value === null) return null;
  if (column.sqlType.startsWith('numeric')) return `${value}`;
  if (column.sqlType === 'bigint') return String(value);
  if (column.sqlType === 'date') return new Date(`${value}T00:00:00Z`);
  return value;
}

describe('upsertRows on every analytics table', () => {
  const tables = [...analyticsTables().entries()];

  it('covers the thirteen docs/warehouse.md#tables tables', () => {
    expect(tables.length).toBeGreaterThanOrEqual(13);
  });

  it.each(tables.map(([name, table]) => [name, table] as const))(
    '%s: exact round trip, idempotent, nullable columns clear',
    async (_name, table) => {
      const shape = tableShape(table);
      const row = Object.fromEntries(shape.payload.map((c) => [c.name, sample(c, 1)]));
      expect(await upsertRows(db.sql, table, [row], { runId: 1 })).toMatchObject({ inserted: 1 });
      expect(await upsertRows(db.sql, table, [structuredClone(row)], { runId: 2 })).toMatchObject({
        inserted: 0,
        updated: 0,
        unchanged: 1,
      });
      const where = shape.primaryKey.map((k, i) => `"${k}" = $${i + 1}`).join(' and ');
      const keyValues = shape.primaryKey.map((k) => {
        const v = row[k];
        return v instanceof Date ? v.toISOString() : String(v);
      });
      const read = async () =>
        (await db.sql.unsafe(`select * from ${shape.qualified} where ${where}`, keyValues))[0] as Record<
          string,
          unknown
        >;
      const stored = await read();
      for (const column of shape.payload)
        expect(stored[column.name], column.name).toEqual(expected(column, row[column.name]));
      expect(Number(stored.run_id)).toBe(1);

      const cleared = Object.fromEntries(shape.payload.map((c) => [c.name, c.notNull ? row[c.name] : null]));
      const nullable = shape.payload.filter((c) => !c.notNull);
      const result = await upsertRows(db.sql, table, [cleared], { runId: 3 });
      expect(result.updated).toBe(nullable.length > 0 ? 1 : 0);
      const after = await read();
      for (const column of nullable) expect(after[column.name], column.name).toBeNull();
    },
  );
});
