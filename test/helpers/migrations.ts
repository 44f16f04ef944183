/**
 * A database at an earlier migration (the schema of the release before `tag`), to test the upgrade
 * from it: an empty database migrated with a copy of the migrations folder whose journal stops before
 * `tag`, without migrate's repeatable step (today's views need today's tables). Integration tier only.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MIGRATIONS_FOLDER, runMigrations } from '../../src/load/migrate.ts';
import { emptyDatabase, type TestDatabase } from './db.ts';

export interface DatabaseBefore extends TestDatabase {
  /** How many migrations the upgrade to today applies (`tag` and those after it). */
  pending: number;
}

export async function databaseBefore(tag: string, label: string): Promise<DatabaseBefore> {
  const journal = JSON.parse(
    readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: { tag: string }[];
  };
  const previous = journal.entries.findIndex((e) => e.tag === tag);
  if (previous <= 0) throw new Error(`databaseBefore: no migration ${tag} after the first`);
  const folder = mkdtempSync(join(tmpdir(), 'affiliate-etl-migrations-'));
  try {
    cpSync(DEFAULT_MIGRATIONS_FOLDER, folder, { recursive: true });
    writeFileSync(
      join(folder, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, previous) }),
    );
    const db = await emptyDatabase(label);
    try {
      await runMigrations(db.url, { migrationsFolder: folder, repeatable: false });
    } catch (error) {
      await db.drop();
      throw error;
    }
    return { ...db, pending: journal.entries.length - previous };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
