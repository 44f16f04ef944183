/**
 * Applies the drizzle-kit migrations (drizzle/) and then the repeatable post-migrate statements
 * (views, comments, read-only role, lz4) — safe from several processes at once (README.md#commands `migrate`).
 *
 * Everything runs on ONE dedicated connection holding a session advisory lock: a second process
 * waits, then finds nothing left to apply. The lock is released by unlock or, if the process dies,
 * by the server when the connection drops.
 */
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Logger } from 'pino';
import postgres from 'postgres';
import { monthsAhead } from './order-partitions.ts';
import { postMigrate } from './post-migrate.ts';
import { allDocs, viewFunctions, views } from './schema/index.ts';
import { ensureOrderPartitionsSql } from './schema/order-partitions.ts';
import { rollupTriggerProblems } from './rollup-health.ts';
import { creatorPerformanceRollupSql } from './schema/performance-rollup.ts';
import { searchRetirementSql } from './schema/search-retirement.ts';

/** Months of order partitions migrate creates ahead of the current one (the loader adds any other). */
export const PARTITION_MONTHS_AHEAD = 3;

/** Arbitrary constant key of the migration lock ("affiliate-etl migrate"), per database. */
export const MIGRATION_LOCK_KEY = 7_356_108_301;
const MIGRATIONS_SCHEMA = 'drizzle';
const MIGRATIONS_TABLE = '__drizzle_migrations';

export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface MigrateOptions {
  log?: Logger;
  /** Defaults to the project's drizzle/ folder. Tests point it at a partial copy. */
  migrationsFolder?: string;
  /**
   * Run the post-migrate step (views, comments, role, lz4); default true. Upgrade-path tests turn it
   * off to stand for an older release, whose views matched its older tables.
   */
  repeatable?: boolean;
}

export async function runMigrations(
  databaseUrl: string,
  opts: MigrateOptions = {},
): Promise<{ applied: number }> {
  const log = opts.log;
  const started = Date.now();
  const sql = postgres(databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'affiliate-etl migrate' },
  });
  try {
    // max: 1 pins every statement below, the lock included, to the same server session.
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      const before = await countApplied(sql);
      await migrate(drizzle(sql), {
        migrationsFolder: opts.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER,
        migrationsSchema: MIGRATIONS_SCHEMA,
        migrationsTable: MIGRATIONS_TABLE,
      });
      const applied = (await countApplied(sql)) - before;
      const post =
        opts.repeatable === false
          ? { postMigrateApplied: false, lz4Columns: 0, partitionsCreated: 0, rollupRepaired: false }
          : {
              ...(await postMigrate(sql, {
                views,
                docs: allDocs,
                functions: [
                  ensureOrderPartitionsSql.trim(),
                  ...creatorPerformanceRollupSql,
                  ...viewFunctions,
                  ...searchRetirementSql,
                ],
              })),
              partitionsCreated: await createPartitionsAhead(sql),
              rollupRepaired: await repairRollup(sql),
            };
      log?.info(
        { event: 'migrate_done', applied, ...post, ms: Date.now() - started },
        `migrations: ${applied} applied`,
      );
      return { applied };
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * The performance rollup's triggers dropped or disabled by hand (doctor fails on it): created again,
 * and the rollup, which stopped following the lines meanwhile, rebuilt from them.
 */
async function repairRollup(sql: postgres.Sql): Promise<boolean> {
  if ((await rollupTriggerProblems(sql)).length === 0) return false;
  await sql.begin(async (tx) => {
    for (const statement of creatorPerformanceRollupSql) await tx.unsafe(statement);
    await tx`select etl.rebuild_creator_performance()`;
  });
  return true;
}

/** This month's and the next months' order partitions, so the pipeline's inserts find them ready. */
async function createPartitionsAhead(sql: postgres.Sql): Promise<number> {
  const months = monthsAhead(new Date(), PARTITION_MONTHS_AHEAD);
  const [row] = await sql<{ created: number }[]>`
    select etl.ensure_order_partitions(string_to_array(${months.join(',')}, ',')::date[]) as created`;
  return row?.created ?? 0;
}

async function countApplied(sql: postgres.Sql): Promise<number> {
  const table = `${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`;
  const [exists] = await sql<{ present: boolean }[]>`select to_regclass(${table}) is not null as present`;
  if (!exists?.present) return 0;
  const [row] = await sql<
    { n: number }[]
  >`select count(*)::int as n from ${sql(MIGRATIONS_SCHEMA)}.${sql(MIGRATIONS_TABLE)}`;
  return row?.n ?? 0;
}
