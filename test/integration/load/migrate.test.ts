import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_FOLDER, runMigrations } from '../../../src/load/migrate.ts';
import { allDocs } from '../../../src/load/schema/index.ts';
import { emptyDatabase, type TestDatabase } from '../../helpers/db.ts';

const journal = JSON.parse(
  readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
) as {
  entries: { tag: string }[];
};
const total = journal.entries.length;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function database(label: string): Promise<TestDatabase> {
  const db = await emptyDatabase(label);
  cleanups.push(() => db.drop());
  return db;
}

function client(url: string): postgres.Sql {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  cleanups.push(() => sql.end({ timeout: 5 }));
  return sql;
}

describe('runMigrations', () => {
  it('applies every migration to an empty database, and a second run is a no-op', async () => {
    const db = await database('mig_empty');
    expect(await runMigrations(db.url)).toEqual({ applied: total });
    const sql = client(db.url);
    const [first] = await sql`select hash, applied_at from drizzle.__post_migrate`;
    expect(await runMigrations(db.url)).toEqual({ applied: 0 });
    const [second] = await sql`select hash, applied_at from drizzle.__post_migrate`;
    expect(second).toEqual(first);
  });

  it('documents every table, view and column with COMMENT ON, and the views exist', async () => {
    const db = await database('mig_docs');
    await runMigrations(db.url);
    const sql = client(db.url);
    const comments = await sql<{ schema: string; name: string; column: string | null; comment: string }[]>`
      select n.nspname as schema, c.relname as name, a.attname as column, d.description as comment
      from pg_description d
      join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
      where n.nspname in ('tiktok_affiliate', 'etl')`;
    const have = new Map(comments.map((c) => [`${c.schema}.${c.name}.${c.column ?? ''}`, c.comment]));
    for (const doc of allDocs) {
      expect(have.get(`${doc.schema}.${doc.name}.`), `${doc.schema}.${doc.name}`).toBe(doc.description);
      for (const [column, text] of Object.entries(doc.columns)) {
        expect(have.get(`${doc.schema}.${doc.name}.${column}`), `${doc.name}.${column}`).toBe(text);
      }
    }
    const views =
      await sql`select table_name from information_schema.views where table_schema = 'tiktok_affiliate' order by 1`;
    expect(views.map((v) => v.table_name)).toEqual(
      allDocs
        .filter((d) => d.kind === 'view')
        .map((d) => d.name)
        .sort(),
    );
  });

  it('switches every raw jsonb column to lz4 when the server supports it', async () => {
    const db = await database('mig_lz4');
    await runMigrations(db.url);
    const sql = client(db.url);
    let lz4 = true;
    await sql`create temp table probe (raw jsonb compression lz4)`.catch(() => {
      lz4 = false;
    });
    const columns = await sql<{ rel: string; compression: string }[]>`
      select a.attrelid::regclass::text as rel, a.attcompression as compression from pg_attribute a
      join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where a.attname = 'raw' and n.nspname in ('tiktok_affiliate', 'etl') and c.relkind = 'r'`;
    expect(columns.length).toBeGreaterThan(5);
    for (const column of columns) expect(column.compression, column.rel).toBe(lz4 ? 'l' : '');
  });

  it('upgrades a database left at the previous migration', async () => {
    const db = await database('mig_prev');
    const folder = mkdtempSync(join(tmpdir(), 'affiliate-etl-migrations-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    cpSync(DEFAULT_MIGRATIONS_FOLDER, folder, { recursive: true });
    writeFileSync(
      join(folder, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }),
    );
    // The views of today's code need today's tables: the older release is simulated without them.
    expect(await runMigrations(db.url, { migrationsFolder: folder, repeatable: false })).toEqual({
      applied: total - 1,
    });
    expect(await runMigrations(db.url)).toEqual({ applied: 1 });
    expect(await runMigrations(db.url)).toEqual({ applied: 0 });
  });

  it('is safe from several processes at once: 4 concurrent runs apply each migration exactly once', async () => {
    const db = await database('mig_conc');
    const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(db.url)));
    expect(results.reduce((n, r) => n + r.applied, 0)).toBe(total);
    const sql = client(db.url);
    const [row] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(row!.n).toBe(total);
  });

  it('gives affiliate_reader the analytics schema and the freshness view, and nothing in etl', async () => {
    const db = await database('mig_role');
    await runMigrations(db.url);
    const sql = client(db.url);
    const asReader = (query: string) =>
      sql.begin(async (tx) => {
        await tx`set local role affiliate_reader`;
        return tx.unsafe(query);
      });
    await asReader('select * from tiktok_affiliate.stream_freshness');
    await asReader('select count(*) from tiktok_affiliate.seller_orders');
    await asReader('select count(*) from tiktok_affiliate.campaign_creator_fulfillment_daily');
    await expect(asReader('select * from etl.connections')).rejects.toThrow(/permission denied/);
    await expect(asReader('select * from etl.sync_runs')).rejects.toThrow(/permission denied/);
    const [role] = await sql`select rolcanlogin from pg_roles where rolname = 'affiliate_reader'`;
    expect(role!.rolcanlogin).toBe(false);
  });
});
