/**
 * SQL predicate "this order may still change" for the partial indexes the settlement re-scan uses,
 * built from the same FINAL_ORDER_STATUSES the engine reads, so index and query cannot drift apart.
 */
import { type SQL, sql } from 'drizzle-orm';
import { FINAL_ORDER_STATUSES } from '../../transform/final-statuses.ts';

export function notFinalStatusSql(kind: keyof typeof FINAL_ORDER_STATUSES): SQL {
  // The statuses are compile-time constants (upper-case letters and underscores), safe to inline;
  // a partial index predicate cannot take bind parameters.
  const list = FINAL_ORDER_STATUSES[kind].map((s) => `'${s}'`).join(', ');
  return sql.raw(`status is null or status not in (${list})`);
}
