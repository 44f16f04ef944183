/**
 * A "hashed twin" of an analytics table: same columns, defaults, indexes and compression (LIKE ..
 * INCLUDING ALL) plus a loader-owned `row_hash text` column, in a scratch schema. Lets the benchmark
 * and the tests measure the upsert's row-hash fast path (src/load/row-hash.ts) on the real table shape.
 */
import { customType, getTableConfig, type PgTable, pgSchema, primaryKey, text } from 'drizzle-orm/pg-core';
import { quoteIdent, tableShape } from '../src/load/table-shape.ts';

export interface Twin {
  table: PgTable;
  /** Statements that create it (run them once per database). */
  ddl: string[];
}

export function hashedTwin(table: PgTable, schemaName: string): Twin {
  const config = getTableConfig(table);
  const shape = tableShape(table);
  const columns: Record<string, ReturnType<ReturnType<typeof customType>> | ReturnType<typeof text>> = {};
  for (const column of config.columns) {
    const build = customType<{ data: unknown; driverData: unknown }>({ dataType: () => column.getSQLType() });
    columns[column.name] = column.notNull ? build(column.name).notNull() : build(column.name);
  }
  columns.row_hash = text('row_hash');
  const twin = pgSchema(schemaName).table(config.name, columns, (t) => [
    primaryKey({ columns: shape.primaryKey.map((k) => t[k]!) as [never, ...never[]] }),
  ]);
  const qualified = `${quoteIdent(schemaName)}.${quoteIdent(config.name)}`;
  return {
    table: twin,
    ddl: [
      `create schema if not exists ${quoteIdent(schemaName)}`,
      `create table ${qualified} (like ${shape.qualified} including all)`,
      `alter table ${qualified} add column row_hash text`,
    ],
  };
}
