/**
 * The analytics tables by their export name in src/load/schema (the keys of TableRows, see
 * src/transform/types.ts), in dependency order: parents before children, as the data dictionary
 * lists them (analyticsDocs order). Only tiktok_affiliate tables: a page can never write etl state.
 */
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';

const byName = new Map<string, PgTable>();
for (const [name, value] of Object.entries(schema)) {
  if (is(value, PgTable) && getTableConfig(value).schema === schema.ANALYTICS_SCHEMA) byName.set(name, value);
}

const order = new Map(schema.allDocs.map((doc, index) => [`${doc.schema}.${doc.name}`, index]));

function rank(table: PgTable): number {
  const config = getTableConfig(table);
  return order.get(`${config.schema ?? 'public'}.${config.name}`) ?? Number.MAX_SAFE_INTEGER;
}

export class UnknownTableError extends Error {
  override name = 'UnknownTableError';
}

/** The analytics table exported as `name` from src/load/schema. */
export function tableByName(name: string): PgTable {
  const table = byName.get(name);
  if (!table) throw new UnknownTableError(`no analytics table exported as "${name}" from src/load/schema`);
  return table;
}

/** Every analytics table by export name. */
export function analyticsTables(): ReadonlyMap<string, PgTable> {
  return byName;
}

/** Export names sorted parents first (seller_orders before seller_order_skus, ...). */
export function inLoadOrder(names: readonly string[]): string[] {
  return [...names].sort((a, b) => rank(tableByName(a)) - rank(tableByName(b)));
}
