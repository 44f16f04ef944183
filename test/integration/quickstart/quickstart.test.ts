/**
 * `affiliate-etl quickstart`, in this process (src/cli/main.ts runCli, what the executable calls),
 * against the harness's Postgres database and Redis given as DATABASE_URL / REDIS_URL, with the tiny
 * sandbox. Proves the README's promise: every stream synced through the job path, every analytics
 * table filled, the three example queries printed with rows, no secret in the output, and a second
 * run that reuses the connections and finds the data unchanged.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { EXAMPLE_QUERIES } from '../../../src/cli/commands/quickstart/queries.ts';
import { STREAMS } from '../../../src/core/streams.ts';
import { getCredentials, listConnections } from '../../../src/load/connections.ts';
import { createSecretBox } from '../../../src/load/crypto.ts';

// CLI runs know no Redis key prefix: this file isolates its BullMQ queue by a Redis db of its own
// (the CLI harness uses 10-12, the quickstart CLI test 14).
const REDIS_DB = 13;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const projectDir = mkdtempSync(join(tmpdir(), 'quickstart-inproc-'));
chmodSync(projectDir, 0o755);
const databaseUrl = process.env.DATABASE_URL ?? '';
const redis = new URL(inject('redisUrl'));
redis.pathname = `/${REDIS_DB}`;
const redisUrl = redis.toString();
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });

async function flushRedis(): Promise<void> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    await client.flushdb();
  } finally {
    client.disconnect();
  }
}

async function quickstart(): Promise<Run> {
  const out = capture();
  const err = capture();
  const code = await runCli(['quickstart', '--scale', 'tiny'], {
    env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, CI: 'true', LOG_LEVEL: 'warn' },
    cwd: projectDir,
    stdout: out.stream,
    stderr: err.stream,
    plain: true,
    logFormat: 'json',
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Every credential the run stored (decrypted with the quick start's key) and the key itself. */
async function storedSecrets(): Promise<string[]> {
  const key = readFileSync(join(projectDir, '.tmp', 'quickstart', 'encryption.key'), 'utf8').trim();
  const box = createSecretBox({ key, previousKeys: [] });
  const secrets = [key];
  for (const c of await listConnections(sql)) {
    const cred = await getCredentials(sql, box, c.id);
    if (cred) secrets.push(cred.appSecret, cred.accessToken, cred.refreshToken);
  }
  return secrets;
}

async function tableCounts(): Promise<Map<string, number>> {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
    where table_schema = 'tiktok_affiliate' and table_type = 'BASE TABLE'
      and not exists (select from pg_inherits i
        where i.inhrelid = format('%I.%I', table_schema, table_name)::regclass)
    order by table_name`;
  const counts = new Map<string, number>();
  for (const { table_name } of tables) {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from ${sql('tiktok_affiliate')}.${sql(table_name)}`;
    counts.set(table_name, row!.n);
  }
  return counts;
}

async function runTotals(afterId: number) {
  const [row] = await sql<
    {
      runs: number;
      succeeded: number;
      inserted: number;
      updated: number;
      unchanged: number;
      max_id: number;
    }[]
  >`select count(*)::int as runs, count(*) filter (where status = 'succeeded')::int as succeeded,
      coalesce(sum(rows_inserted), 0)::int as inserted, coalesce(sum(rows_updated), 0)::int as updated,
      coalesce(sum(rows_unchanged), 0)::int as unchanged, coalesce(max(id), 0)::int as max_id
    from etl.sync_runs where id > ${afterId}`;
  return row!;
}

describe('affiliate-etl quickstart (in process, tiny sandbox)', () => {
  let first: Run;
  let firstSecrets: string[];

  beforeAll(async () => {
    await flushRedis();
    first = await quickstart();
    firstSecrets = await storedSecrets();
  }, 150_000);

  afterAll(async () => {
    await sql.end({ timeout: 5 });
    await flushRedis();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('runs every step and exits 0', () => {
    expect(first.stderr).not.toMatch(/"level":"(error|fatal)"|^error:/m);
    expect(first.code).toBe(0);
    for (const title of [
      'Start Postgres and Redis',
      'Apply the database migrations',
      'Start the TikTok Shop API sandbox',
      'Add the sandbox accounts as connections',
      'Sync every stream of every connection',
      'Read back what was loaded',
    ]) {
      expect(first.stdout).toContain(title);
    }
    expect(first.stdout).toMatch(/\[quickstart 1\/7\] done in .*: postgres from env, redis from env/);
    expect(first.stdout).toMatch(/3 connections: 1 seller, 1 creator, 1 partner \(3 added\)/);
    expect(first.stdout).toMatch(/\[sync\] \d+\/\d+ syncs/);
    expect(first.stdout).toContain('Quick start complete in');
  });

  it('synced every stream successfully through the job path', async () => {
    const rows = await sql<{ stream: string; trigger: string; succeeded: number; other: number }[]>`
      select stream, min(trigger) as trigger,
        count(*) filter (where status = 'succeeded')::int as succeeded,
        count(*) filter (where status <> 'succeeded')::int as other
      from etl.sync_runs group by stream order by stream`;
    expect(rows.map((r) => r.stream)).toEqual([...STREAMS].sort());
    for (const r of rows) {
      expect(r, r.stream).toMatchObject({ succeeded: 1, other: 0, trigger: 'cli' });
    }
  });

  it('filled every analytics table and printed the counts and the freshness view', async () => {
    const counts = await tableCounts();
    expect(counts.size).toBeGreaterThanOrEqual(13);
    for (const [table, n] of counts) {
      expect(n, table).toBeGreaterThan(0);
      expect(first.stdout).toMatch(
        new RegExp(`\\| tiktok_affiliate\\.${table} +\\| +${n.toLocaleString('en-US')} \\|`),
      );
    }
    expect(first.stdout).toContain('tiktok_affiliate.stream_freshness');
    for (const stream of STREAMS)
      expect(first.stdout).toMatch(new RegExp(`\\| ${stream} +\\| succeeded +\\|`));
  });

  it('prints the three example queries, each with rows, and how to connect with psql', () => {
    expect(EXAMPLE_QUERIES).toHaveLength(3);
    for (const [i, q] of EXAMPLE_QUERIES.entries()) {
      const at = first.stdout.indexOf(`${i + 1}. ${q.title}`);
      expect(at, q.title).toBeGreaterThan(0);
      const section = first.stdout.slice(at, first.stdout.indexOf('\n\n', first.stdout.indexOf('+--', at)));
      expect(section).toContain(q.sql.split('\n')[0]);
      // Header row + at least one data row between the table borders.
      expect(section.split('\n').filter((l) => l.startsWith('| ')).length, q.title).toBeGreaterThanOrEqual(2);
    }
    expect(first.stdout).toContain('psql "$DATABASE_URL"');
    expect(first.stdout).toContain('npm run quickstart -- --keep-running');
  });

  it('keeps its generated encryption key private (0600) and prints no secret', () => {
    const mode = statSync(join(projectDir, '.tmp', 'quickstart', 'encryption.key')).mode & 0o777;
    expect(mode).toBe(0o600);
    const transcript = `${first.stdout}\n${first.stderr}`;
    expect(firstSecrets.length).toBeGreaterThanOrEqual(10);
    for (const secret of firstSecrets) expect(transcript.includes(secret)).toBe(false);
    expect(transcript).not.toMatch(/access_token=|refresh_token=|[?&]sign=/);
  });

  it('a second run reuses the connections and the world: nothing new, almost nothing written', async () => {
    const before = await runTotals(0);
    const connectionsBefore = (await listConnections(sql)).map((c) => c.id);
    const countsBefore = await tableCounts();

    const dayBefore = new Date().toISOString().slice(0, 10);
    const second = await quickstart();
    // Across a UTC midnight the fulfillment sync rightly adds one daily-history row per creator.
    const newDay = new Date().toISOString().slice(0, 10) !== dayBefore;
    const daily = newDay ? (countsBefore.get('campaign_creator_fulfillment') ?? 0) : 0;
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/3 connections: .* \(3 reused with fresh tokens\)/);
    expect(second.stdout).toContain('the world of the first run');
    expect((await listConnections(sql)).map((c) => c.id)).toEqual(connectionsBefore);

    const again = await runTotals(before.max_id);
    expect(again.runs).toBe(STREAMS.length);
    expect(again.succeeded).toBe(STREAMS.length);
    // Only orders created in the seconds between the runs may be new; nothing already loaded changes.
    expect(again.inserted + again.updated).toBeLessThanOrEqual(Math.ceil(before.inserted * 0.01) + daily);
    expect(again.unchanged).toBeGreaterThan(0);
    const countsAfter = await tableCounts();
    for (const [table, n] of countsBefore) {
      const allowed = Math.ceil(n * 0.01) + (table === 'campaign_creator_fulfillment_daily' ? daily : 0);
      expect(countsAfter.get(table)! - n, table).toBeLessThanOrEqual(allowed);
    }

    const transcript = `${second.stdout}\n${second.stderr}`;
    for (const secret of [...firstSecrets, ...(await storedSecrets())])
      expect(transcript.includes(secret)).toBe(false);
  }, 150_000);
});
