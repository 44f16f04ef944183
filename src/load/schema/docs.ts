/**
 * Documentation of every warehouse relation, kept beside the drizzle definitions.
 * It feeds `COMMENT ON TABLE/COLUMN` (applied by migrate) and docs/data-dictionary.md, so that any
 * SQL client or BI tool shows the same data dictionary (docs/warehouse.md#column-conventions: every column carries a comment).
 *
 * Convention: drizzle property names ARE the SQL column names (snake_case), so rows produced by the
 * normalizers map 1:1 onto columns.
 */
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';

export interface RelationDoc {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  description: string;
  /** SQL column name -> comment (unit, enum values, source API field). */
  columns: Record<string, string>;
}

/** Documents a drizzle table; throws at import time if a column is left undocumented or unknown. */
export function documentTable(
  table: PgTable,
  description: string,
  columns: Record<string, string>,
): RelationDoc {
  const config = getTableConfig(table);
  const names = config.columns.map((c) => c.name);
  const missing = names.filter((n) => !(n in columns));
  const unknown = Object.keys(columns).filter((n) => !names.includes(n));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(
      `documentTable(${config.schema}.${config.name}): undocumented columns [${missing.join(', ')}], ` +
        `unknown columns [${unknown.join(', ')}]`,
    );
  }
  return { schema: config.schema ?? 'public', name: config.name, kind: 'table', description, columns };
}
