/**
 * "Absent keeps, null clears": a record that arrives without an optional field says nothing about
 * that field, so the stored value stays; a field sent as an explicit null clears it.
 *
 * The normalizers' shared runner (src/transform/run.ts) notes the top-level fields a record was
 * read for but did not carry, and marks each row it produced with the columns those fields feed
 * (under this symbol, so the mark never becomes a column or part of the row's JSON). The loader
 * (src/load/upsert-sql.ts) then writes the stored value back into those columns of an existing row;
 * a new row simply gets NULL there.
 *
 * Why: a record missing an optional key (schema drift, a partial answer) would otherwise replace a
 * good stored value with NULL, and past the re-read horizon nothing would repair it.
 */
export const ABSENT_COLUMNS: unique symbol = Symbol.for('tiktok-shop-affiliate-etl.absentColumns');

export type RowWithAbsent = Record<string, unknown> & { [ABSENT_COLUMNS]?: readonly string[] };

/** The columns of `row` whose field its record did not carry (empty when none). */
export function absentColumnsOf(row: Record<string, unknown>): readonly string[] {
  return (row as RowWithAbsent)[ABSENT_COLUMNS] ?? [];
}
