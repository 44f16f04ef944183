/**
 * What operators meet around the happy paths: an unknown connection id is a usage error (exit 2) in
 * every command that takes one; an unreachable service gets the same message everywhere (host,
 * port, what to check; exit 1), `migrate` included; a backfill rerun says which windows were already
 * done and skips them (--force re-reads them); a range in the future is clipped or refused, plainly.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

let h: CliHarness;
let sql: postgres.Sql;
let seller = 0;
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  h = await startCliHarness(8);
  sql = postgres(process.env.DATABASE_URL ?? '', { max: 2, onnotice: () => undefined });
  const account = h.sandbox.accounts.find((a) => a.kind === 'seller')!;
  const added = await h.runHere([
    'connections',
    'add',
    'seller',
    '--auth-code',
    account.authCode,
    '--id-only',
  ]);
  if (added.code !== 0) throw new Error(added.stderr);
  seller = Number(added.stdout.trim());
});

afterAll(async () => {
  await sql?.end();
  await h?.close();
});

describe('operator errors and reruns', () => {
  it('an unknown connection id exits 2 in every command that takes one', async () => {
    const cases: string[][] = [
      ['status', '--connection', '99'],
      ['sync', '--connection', '99'],
      [
        'backfill',
        '--stream',
        'seller_affiliate_orders',
        '--from',
        '2024-01-01',
        '--to',
        '2024-02-01',
        '--connection',
        '99',
      ],
      ['schedule', 'set', '--stream', 'seller_affiliate_orders', '--every', '1h', '--connection', '99'],
      ['connections', 'disable', '99'],
      ['connections', 'remove', '99', '--yes'],
    ];
    for (const args of cases) {
      const r = await h.runHere(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr, args.join(' ')).toContain('There is no connection 99');
    }
    const known = await h.runHere(['status', '--connection', String(seller)]);
    expect(known.code).toBe(0);
  });

  it('an unreachable database gets the same message from every command, migrate included', async () => {
    const closed = { DATABASE_URL: 'postgres://etl@127.0.0.1:1/warehouse' };
    for (const args of [['migrate'], ['status'], ['connections', 'list'], ['sync']]) {
      const r = await h.runHere(args, closed);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr, args.join(' ')).toMatch(
        /^cannot reach Postgres at 127\.0\.0\.1:1\/warehouse: .*\nCheck DATABASE_URL and that Postgres runs \(affiliate-etl doctor\)\.\n$/,
      );
    }
  });

  it('a backfill range in the future is refused; one ending in the future is clipped, and said so', async () => {
    const now = Date.now();
    const future = await h.runHere([
      'backfill',
      '--stream',
      'seller_affiliate_orders',
      '--from',
      day(now + 2 * DAY),
      '--to',
      day(now + 9 * DAY),
    ]);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('Nothing to backfill');
    const runs = await sql`select id from etl.sync_runs where trigger = 'backfill'`;
    expect(runs).toEqual([]);

    const clipped = await h.runHere([
      'backfill',
      '--stream',
      'seller_affiliate_orders',
      '--from',
      day(now - 3 * DAY),
      '--to',
      day(now + 30 * DAY),
      '--dry-run',
    ]);
    expect(clipped.code, clipped.stderr).toBe(0);
    expect(clipped.stderr).toMatch(
      /is in the future: the range is clipped to \d{4}-\d\d-\d\dT00:00:00\.000Z \(today, midnight UTC\)/,
    );
    // The last window ends at today's midnight, not 30 days ahead.
    const ends = [...clipped.stdout.matchAll(/(\d{4}-\d\d-\d\d \d\d:\d\dZ)/g)].map((m) => m[1]!).sort();
    expect(ends.at(-1)).toBe(`${day(now)} 00:00Z`);
    expect(clipped.stdout).toContain('1 window of up to');
  });

  it('a backfill rerun says which windows are already done and skips them; --force re-reads them', async () => {
    const today = Math.floor(Date.now() / DAY) * DAY;
    const range = ['--from', day(today - 20 * DAY), '--to', day(today - 6 * DAY)];
    const args = [
      'backfill',
      '--stream',
      'seller_affiliate_orders',
      ...range,
      '--connection',
      String(seller),
    ];
    const first = await h.runHere(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('1 of 1 run succeeded.');

    const again = await h.runHere(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /All \d+ windows of seller_affiliate_orders .* are already done .*nothing was re-read\. Run with --force to re-read them\./,
    );
    expect(again.stdout).not.toContain('run succeeded');
    const runs = await sql<
      { n: number }[]
    >`select count(*)::int as n from etl.sync_runs where trigger = 'backfill'`;
    expect(runs[0]!.n).toBe(1);

    const forced = await h.runHere([...args, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/Re-reading \d+ windows? already done \(--force\)\./);
    const [last] = await sql<{ pages: number; status: string }[]>`
      select pages, status from etl.sync_runs where trigger = 'backfill' order by id desc limit 1`;
    expect(last!.status).toBe('succeeded');
    expect(last!.pages).toBeGreaterThan(0);
  });
});
