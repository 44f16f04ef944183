/**
 * Are the database's migrations applied and current? Compares drizzle-kit's journal (what this
 * release ships, drizzle/meta/_journal.json) with drizzle's ledger in the database
 * (drizzle.__drizzle_migrations, whose created_at is the journal entry's `when`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from '../../../load/db.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../../drizzle', import.meta.url));

export interface MigrationState {
  shipped: number;
  applied: number;
  /** Tags shipped with this release but not applied. */
  pending: string[];
  /** Applied migrations this release does not know (the database is newer than the code). */
  unknown: number;
  /** The analysts' views exist (they are created after the migrations, by `migrate`). */
  viewsPresent: boolean;
}

export async function migrationState(sql: Sql, folder = MIGRATIONS_FOLDER): Promise<MigrationState> {
  const journal = JSON.parse(await readFile(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const [{ exists } = { exists: false }] = await sql<{ exists: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
  const appliedWhen = exists
    ? (await sql<{ created_at: string | number }[]>`select created_at from drizzle.__drizzle_migrations`).map(
        (r) => Number(r.created_at),
      )
    : [];
  const applied = new Set(appliedWhen);
  const shippedWhen = new Set(journal.entries.map((e) => e.when));
  const [{ views } = { views: false }] = await sql<{ views: boolean }[]>`
    select to_regclass('tiktok_affiliate.stream_freshness') is not null as views`;
  return {
    shipped: journal.entries.length,
    applied: appliedWhen.length,
    pending: journal.entries.filter((e) => !applied.has(e.when)).map((e) => e.tag),
    unknown: appliedWhen.filter((w) => !shippedWhen.has(w)).length,
    viewsPresent: views,
  };
}
