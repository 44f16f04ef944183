/**
 * Focused measurement of a first load (a backfill into empty tables): N seller order lines
 * (bench/loader-data.ts, three months) through commitPage into a fresh database on ONE connection, so
 * its prepared statements and their cached plans live through the whole load as on a pool
 * connection; prints ms per page block by block and the partitions' statistics (never analyzed during
 * such a load). EXPLAIN=1: the plans, with run times, of every statement of one page (auto_explain
 * sent as notices); FRESH=1: the last fifth of the pages on a new connection (no cached plans).
 * `npx tsx bench/probe-plans.ts [lines=60000] [orders per page=100]` (DATABASE_URL or the dev Postgres).
 * It runs unchanged on the layout before partitioning (with this loader-data.ts): what the page costs
 * were there.
 */
import postgres from 'postgres';
import { commitPage } from '../src/load/commit-page.ts';
import { runMigrations } from '../src/load/migrate.ts';
import { makeSellerOrders, toPages } from './loader-data.ts';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';
const lines = Number(process.argv[2] ?? 60_000);
const pageOrders = Number(process.argv[3] ?? 100);
const explain = process.env.EXPLAIN === '1';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
const name = `probe_plans_${process.pid}`;
await admin.unsafe(`create database ${name}`);
const url = withDatabase(serverUrl, name);
try {
  await runMigrations(url);
  let notices: string[] = [];
  const open = () =>
    postgres(url, {
      max: 1,
      onnotice: (n) => {
        notices.push(String(n.message ?? ''));
      },
    });
  let sql = open();
  const [conn] = await sql<{ id: number }[]>`
    insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
      access_token_expires_at)
    values ('seller', 'probe', 'app', 'x', 'x', 'x', now() + interval '7 days') returning id`;
  const [run] = await sql<{ id: number }[]>`
    insert into etl.sync_runs (connection_id, stream, trigger) values (${conn!.id}, 'seller_affiliate_orders', 'cli')
    returning id`;
  const orders = makeSellerOrders(lines, 42);
  const pages = toPages(orders, pageOrders);
  const split = Math.floor(pages.length * 0.8);
  const block = 25;
  const load = async (from: number, to: number, tag: string) => {
    for (let b = from; b < to; b += block) {
      const t0 = performance.now();
      const end = Math.min(to, b + block);
      for (let i = b; i < end; i++) {
        await commitPage(
          { sql },
          {
            runId: run!.id,
            connectionId: conn!.id,
            stream: 'seller_affiliate_orders',
            scope: 'probe',
            rows: pages[i]!.rows,
            rejected: [],
            checkpoint: { watermark: null, cursor: { page: i } },
            snapshot: false,
          },
        );
      }
      const ms = (performance.now() - t0) / (end - b);
      console.log(`${tag} pages ${b}-${end - 1}: ${ms.toFixed(1)} ms/page`);
    }
  };
  await load(0, split, 'same connection');
  const parts = await sql<{ relname: string; reltuples: number; relpages: number; n: string }[]>`
    select c.relname, c.reltuples, c.relpages, s.n_live_tup::text as n, s.last_autoanalyze
    from pg_class c join pg_stat_user_tables s on s.relid = c.oid
    where c.relname like 'seller_order%' order by 1`;
  console.table(parts);
  if (explain) {
    await sql.unsafe(`load 'auto_explain'`);
    await sql.unsafe(
      `set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice`,
    );
    notices = [];
    await load(split, split + 1, 'explained');
    for (const n of notices) console.log(`${n}\n---`);
    await sql.unsafe('set auto_explain.log_min_duration = -1');
  }
  if (process.env.FRESH === '1') {
    await sql.end();
    sql = open();
    console.log('-- fresh connection');
  }
  await load(split + (explain ? 1 : 0), pages.length, 'continued');
  await sql.end();
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
