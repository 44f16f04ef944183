/**
 * The repeatable part of `migrate`, applied after the drizzle-kit migrations in ONE transaction:
 * views (re-created from src/load/schema/views.ts), COMMENT ON every relation and column, the
 * read-only role `affiliate_reader` with its grants (docs/warehouse.md#schemas), and lz4 compression
 * of every `raw` jsonb column when the server supports it (pglz dominated load time: issue 4).
 *
 * The statement list is hashed; when the hash equals the one stored by the previous run, nothing is
 * executed, so a routine `migrate` takes no lock on views that workers and analysts are using.
 */
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import type { RelationDoc } from './schema/docs.ts';
import { quoteIdent } from './table-shape.ts';

/** A view as src/load/schema/views.ts describes it: the SELECT body and its documentation. */
export interface ViewDefinition {
  schema: string;
  name: string;
  sql: string;
  doc: RelationDoc;
}

export const READER_ROLE = 'affiliate_reader';
const ANALYTICS_SCHEMA = 'tiktok_affiliate';
const ETL_SCHEMA = 'etl';

export interface PostMigrateResult {
  /** False when the stored hash matched and nothing ran. */
  postMigrateApplied: boolean;
  /** raw columns switched to lz4 by this run (0 when already done or unsupported by the server). */
  lz4Columns: number;
}

export async function postMigrate(
  sql: postgres.Sql,
  /** `docs` documents every relation, the views included. */
  input: { views: readonly ViewDefinition[]; docs: readonly RelationDoc[]; functions?: readonly string[] },
): Promise<PostMigrateResult> {
  const statements = [
    ...(input.functions ?? []),
    ...viewStatements(input.views),
    ...input.docs.flatMap(commentStatements),
    ...roleStatements(),
  ];
  const hash = createHash('sha256').update(statements.join(';\n')).digest('hex');
  // Only columns not yet lz4 are listed, so this is empty after the first run (and outside the hash).
  const lz4Targets = await rawColumnsNeedingLz4(sql);
  const lz4 = lz4Targets.length > 0 && (await serverHasLz4(sql));
  const alters = lz4 ? lz4Targets.map((t) => `alter table ${t} alter column "raw" set compression lz4`) : [];
  await sql`create table if not exists drizzle.__post_migrate (id int primary key, hash text not null, applied_at timestamptz not null)`;
  const [stored] = await sql<{ hash: string }[]>`select hash from drizzle.__post_migrate where id = 1`;
  const repeat = stored?.hash !== hash;
  if (!repeat && alters.length === 0) return { postMigrateApplied: false, lz4Columns: 0 };
  await sql.begin(async (tx) => {
    for (const statement of repeat ? statements : []) await tx.unsafe(statement);
    for (const statement of alters) await tx.unsafe(statement);
    await tx`insert into drizzle.__post_migrate (id, hash, applied_at) values (1, ${hash}, now())
      on conflict (id) do update set hash = excluded.hash, applied_at = excluded.applied_at`;
  });
  return { postMigrateApplied: repeat, lz4Columns: alters.length };
}

export function quoteLiteral(text: string): string {
  // standard_conforming_strings is on by default since Postgres 9.1: only quotes need doubling.
  return `'${text.replaceAll("'", "''")}'`;
}

function viewStatements(views: readonly ViewDefinition[]): string[] {
  // Drop all first (reverse order), then create in order: views may select from earlier views.
  const drops = [...views]
    .reverse()
    .map((v) => `drop view if exists ${quoteIdent(v.schema)}.${quoteIdent(v.name)} cascade`);
  const creates = views.map((v) => `create view ${quoteIdent(v.schema)}.${quoteIdent(v.name)} as ${v.sql}`);
  return [...drops, ...creates];
}

function commentStatements(doc: RelationDoc): string[] {
  const relation = `${quoteIdent(doc.schema)}.${quoteIdent(doc.name)}`;
  const kind = doc.kind === 'view' ? 'view' : 'table';
  return [
    `comment on ${kind} ${relation} is ${quoteLiteral(doc.description)}`,
    ...Object.entries(doc.columns).map(
      ([column, text]) => `comment on column ${relation}.${quoteIdent(column)} is ${quoteLiteral(text)}`,
    ),
  ];
}

function roleStatements(): string[] {
  const role = quoteIdent(READER_ROLE);
  const analytics = quoteIdent(ANALYTICS_SCHEMA);
  const etl = quoteIdent(ETL_SCHEMA);
  return [
    // Roles are cluster-wide while the migration lock is per database: tolerate a concurrent creator.
    `do $$ begin
       if not exists (select from pg_roles where rolname = ${quoteLiteral(READER_ROLE)}) then
         create role ${role} nologin;
       end if;
     exception when duplicate_object or unique_violation then null;
     end $$`,
    `grant usage on schema ${analytics} to ${role}`,
    `grant select on all tables in schema ${analytics} to ${role}`,
    `alter default privileges in schema ${analytics} grant select on tables to ${role}`,
    // Nothing in etl: the freshness view lives in tiktok_affiliate and runs with its owner's rights.
    `revoke all on all tables in schema ${etl} from ${role}`,
    `revoke all on schema ${etl} from ${role}`,
  ];
}

/** `raw` jsonb columns of our schemas whose compression is not lz4 yet (pg_attribute.attcompression). */
async function rawColumnsNeedingLz4(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ schema: string; table: string }[]>`
    select n.nspname as schema, c.relname as table
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid and c.relkind in ('r', 'p')
    join pg_namespace n on n.oid = c.relnamespace
    where a.attname = 'raw' and a.atttypid = 'jsonb'::regtype and not a.attisdropped
      and n.nspname in (${ANALYTICS_SCHEMA}, ${ETL_SCHEMA}) and a.attcompression <> 'l'
    order by 1, 2`;
  return rows.map((r) => `${quoteIdent(r.schema)}.${quoteIdent(r.table)}`);
}

/** Servers built without lz4 reject SET COMPRESSION lz4 (feature_not_supported); probe on a temp table. */
async function serverHasLz4(sql: postgres.Sql): Promise<boolean> {
  try {
    await sql.begin(async (tx) => {
      await tx`create temp table lz4_probe (raw jsonb compression lz4) on commit drop`;
    });
    return true;
  } catch {
    return false;
  }
}
