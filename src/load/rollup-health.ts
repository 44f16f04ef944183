/**
 * Whether the triggers that keep etl.creator_performance_rollup current (schema/performance-rollup.ts)
 * are in place and enabled. Without them the rollup, and so tiktok_affiliate.creator_performance_daily,
 * silently stops following the lines: `doctor` fails on it.
 */
import type { Sql } from './db.ts';
import { ROLLUP_TRIGGERS } from './schema/performance-rollup.ts';

/** What is wrong with the rollup's triggers, one phrase each; empty when all are present and enabled. */
export async function rollupTriggerProblems(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string; enabled: string }[]>`
    select t.tgname as name, t.tgenabled as enabled from pg_trigger t
    where t.tgrelid = to_regclass('tiktok_affiliate.seller_order_skus') and not t.tgisinternal`;
  const found = new Map(rows.map((r) => [r.name, r.enabled]));
  const problems: string[] = [];
  for (const name of ROLLUP_TRIGGERS) {
    const enabled = found.get(name);
    if (enabled === undefined) problems.push(`trigger ${name} is missing`);
    // 'O': fires (origin and local mode); 'D': disabled; 'R' / 'A': replica-only / always.
    else if (enabled === 'D') problems.push(`trigger ${name} is disabled`);
  }
  return problems;
}
