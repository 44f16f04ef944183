/**
 * The operator loop end to end, against the sandbox, a fresh database and a Redis db of its own:
 * sync (through the BullMQ path, processed inline), status, schedule, searches, backfill (dry run,
 * run, resume), then a revoked token: sync exits 1 with the remedy, status --check and doctor fail.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxCreator, SandboxPartner, SandboxSeller } from '../../../src/sandbox/types.ts';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

let h: CliHarness;
let sql: postgres.Sql;
let creatorToken = '';

beforeAll(async () => {
  h = await startCliHarness(11);
  sql = postgres(h.env.DATABASE_URL ?? '', { max: 1, onnotice: () => {} });
  const seller = h.sandbox.accounts.find((a): a is SandboxSeller => a.kind === 'seller')!;
  const partner = h.sandbox.accounts.find((a): a is SandboxPartner => a.kind === 'partner')!;
  const creator = h.sandbox.accounts.find((a): a is SandboxCreator => a.kind === 'creator')!;
  creatorToken = creator.accessToken;
  for (const args of [
    ['connections', 'add', 'seller', '--auth-code', seller.authCode],
    ['connections', 'add', 'partner', '--auth-code', partner.authCode],
    [
      'connections',
      'add',
      'creator',
      '--access-token',
      creator.accessToken,
      '--refresh-token',
      creator.refreshToken,
      '--access-token-expires-at',
      String(creator.accessTokenExpiresAt),
      '--open-id',
      creator.openId,
    ],
  ]) {
    const r = await h.runHere(args);
    if (r.code !== 0) throw new Error(`setup failed: ${r.stderr}`);
  }
});

afterAll(async () => {
  await sql?.end();
  await h?.close();
});

const count = async (table: string) =>
  Number(
    (await sql.unsafe<{ n: string }[]>(`select count(*) as n from tiktok_affiliate.${table}`))[0]?.n ?? 0,
  );

describe('affiliate-etl sync, status, schedule, searches, backfill', () => {
  it('syncs every stream of every connection and prints a summary table (exit 0)', async () => {
    const r = await h.run(['sync']);
    expect(r.stderr).toContain('Running 11 syncs in this process (no worker is running)');
    expect(r.stderr).toContain('[sync] 11/11 syncs');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('11 of 11 runs succeeded.');
    for (const stream of [
      'seller_affiliate_orders',
      'creator_affiliate_orders',
      'open_collaborations',
      'open_collaboration_products',
      'target_collaborations',
      'partner_campaigns',
      'campaign_creator_fulfillment',
      'partner_affiliate_orders',
      'campaign_product_performance',
      'creator_target_collaborations',
      'creator_open_collaboration_products',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`\\| +\\d+ \\| ${stream} +\\| succeeded \\|`));
    }
    expect(await count('seller_orders')).toBeGreaterThan(0);
    expect(await count('creator_orders')).toBeGreaterThan(0);
    expect(await count('partner_campaigns')).toBeGreaterThan(0);
    const [runs] = await sql<
      { n: number }[]
    >`select count(*)::int as n from etl.sync_runs where trigger = 'cli' and status = 'succeeded'`;
    expect(runs?.n).toBe(11);
  });

  it('a second sync of one stream reports its rows as unchanged', async () => {
    const r = await h.runHere(['sync', '--stream', 'seller_affiliate_orders']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.includes('seller_affiliate_orders'))!;
    // | conn | stream | status | took | pages | api calls | inserted | updated | unchanged | ...
    const cells = row.split('|').map((c) => c.trim());
    expect(cells.slice(2, 4)).toEqual(['seller_affiliate_orders', 'succeeded']);
    const [inserted, updated, unchanged] = cells.slice(7, 10).map((c) => Number(c.replace(/,/g, '')));
    // The sandbox clock runs in real time: an order may be placed or settle between the two syncs,
    // so the exact "zero changes" invariant is the engine's test (on a frozen clock). Here: the
    // table reports the counts, and nearly everything is unchanged.
    expect(unchanged).toBeGreaterThan(0);
    expect((inserted ?? 0) + (updated ?? 0)).toBeLessThan(unchanged ?? 0);
  });

  it('sync --full-refresh repairs a row changed by hand, which a normal sync leaves as is', async () => {
    const [victim] = await sql<{ shop_id: string; id: string; title: string }[]>`
      select shop_id, open_collaboration_id as id, product_title as title
      from tiktok_affiliate.open_collaborations where is_active order by 1, 2 limit 1`;
    const title = () => sql<
      { t: string }[]
    >`select product_title as t from tiktok_affiliate.open_collaborations
      where shop_id = ${victim!.shop_id} and open_collaboration_id = ${victim!.id}`;
    await sql`update tiktok_affiliate.open_collaborations set product_title = 'BY HAND'
      where shop_id = ${victim!.shop_id} and open_collaboration_id = ${victim!.id}`;
    // A process of its own each time, as an operator runs it. The stored row_hash still describes
    // what the pipeline wrote: a normal sync does not re-send the row.
    expect((await h.run(['sync', '--stream', 'open_collaborations'])).code).toBe(0);
    expect((await title())[0]?.t).toBe('BY HAND');
    const r = await h.run(['sync', '--stream', 'open_collaborations', '--full-refresh']);
    expect(r.code).toBe(0);
    expect((await title())[0]?.t).toBe(victim!.title);
  });

  it('status shows last runs, counts and freshness per connection x stream', async () => {
    const r = await h.run(['status']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const stream of ['seller_affiliate_orders', 'partner_campaigns', 'creator_affiliate_orders']) {
      const line = lines.find((l) => l.includes(`| ${stream} `));
      expect(line, stream).toMatch(/succeeded .*ago/);
      expect(line).toMatch(/\| ok +\|$/);
    }
    expect(r.stdout).toContain('not scheduled');
    expect(r.stdout).toMatch(
      /^Scheduled runs(: none due and waiting| behind: \d[\d,]* due and not started)/m,
    );
    const json = await h.runHere(['status', '--json', '--connection', '1']);
    const report = JSON.parse(json.stdout) as {
      rows: { connectionId: number; stream: string; newestBusinessTime: string | null }[];
    };
    expect(new Set(report.rows.map((x) => x.connectionId))).toEqual(new Set([1]));
    expect(report.rows.map((x) => x.stream)).toEqual([
      'seller_affiliate_orders',
      'open_collaborations',
      'open_collaboration_products',
      'target_collaborations',
    ]);
    expect(
      report.rows.find((x) => x.stream === 'seller_affiliate_orders')?.newestBusinessTime,
    ).not.toBeNull();
  });

  it('schedule set stores the rule and applies it to the schedule; list and status show it', async () => {
    const set = await h.runHere(['schedule', 'set', '--stream', 'seller_affiliate_orders', '--every', '30m']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('now run every 30m: seller_affiliate_orders of connection 1');
    expect(set.stdout).toMatch(
      /Applied to the schedule \(11 pair\(s\) with a new next run, 0 no longer scheduled\)/,
    );
    const cron = await h.runHere([
      'schedule',
      'set',
      '--stream',
      'campaign_creator_fulfillment',
      '--cron',
      '0 */6 * * *',
      '--connection',
      '2',
    ]);
    expect(cron.code).toBe(0);
    const off = await h.runHere(['schedule', 'disable', '--stream', 'open_collaboration_products']);
    expect(off.stdout).toContain('(0 pair(s) with a new next run, 1 no longer scheduled)');
    const rows =
      await sql`select connection_id, stream, every_ms, cron, enabled from etl.schedules order by stream`;
    expect(
      rows.map((x) => [x.stream, x.every_ms === null ? null : Number(x.every_ms), x.cron, x.enabled]),
    ).toEqual([
      ['campaign_creator_fulfillment', null, '0 */6 * * *', true],
      ['open_collaboration_products', 3_600_000, null, false],
      ['seller_affiliate_orders', 1_800_000, null, true],
    ]);
    const list = await h.run(['schedule', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /seller_affiliate_orders +\| every 30m +\| custom +\| yes +\| \d{4}-\d\d-\d\d/,
    );
    expect(list.stdout).toMatch(
      /campaign_creator_fulfillment +\| cron 0 \*\/6 \* \* \* \| custom +\| yes +\| .*\(in /,
    );
    expect(list.stdout).toMatch(
      /open_collaboration_products +\| every 1h +\| custom +\| no +\| not scheduled/,
    );
    expect(list.stdout).toMatch(/creator_affiliate_orders +\| every 15m +\| default/);
    const reset = await h.runHere(['schedule', 'reset', '--stream', 'open_collaboration_products']);
    expect(reset.stdout).toContain('back to their default rule');
  });

  it('saved searches feed open_collaboration_products', async () => {
    const add = await h.runHere([
      'searches',
      'add',
      '--connection',
      '1',
      '--name',
      'Ten percent plus',
      '--commission-min',
      '10',
    ]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Saved search 1:ten-percent-plus');
    const sync = await h.runHere(['sync', '--stream', 'open_collaboration_products', '--connection', '1']);
    expect(sync.code).toBe(0);
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from tiktok_affiliate.open_collaboration_products where search_id = '1:ten-percent-plus' and is_active`;
    expect(row?.n).toBeGreaterThan(0);
    const list = await h.runHere(['searches', 'list']);
    expect(list.stdout).toMatch(
      new RegExp(
        `1:ten-percent-plus \\| +1 \\| Ten percent plus \\| \\{"commission_rate_range":\\{"rate_ge":1000\\}\\} \\| +${row?.n} \\|`,
      ),
    );
    // A creator connection saves searches too, synced by creator_open_collaboration_products.
    const creatorAdd = await h.runHere([
      'searches',
      'add',
      '--connection',
      '3',
      '--name',
      'Cheap',
      '--price-max',
      '20',
    ]);
    expect(creatorAdd.code).toBe(0);
    const creatorSync = await h.runHere([
      'sync',
      '--stream',
      'creator_open_collaboration_products',
      '--connection',
      '3',
    ]);
    expect(creatorSync.code).toBe(0);
    const [mine] = await sql<{ n: number }[]>`
      select count(*)::int as n from tiktok_affiliate.creator_open_collaboration_products
      where search_id = '3:cheap' and is_active`;
    expect(mine?.n).toBeGreaterThan(0);
  });

  it('backfill: the dry run plans ledger windows, the run fills them, a rerun has nothing left', async () => {
    const now = new Date(h.sandbox.clock.nowMs());
    const day = (offset: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset))
        .toISOString()
        .slice(0, 10);
    const range = ['--stream', 'seller_affiliate_orders', '--from', day(-20), '--to', day(-1)];
    const dry = await h.runHere(['backfill', ...range, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /Dry run: 3 windows of up to 7 day\(s\) for seller_affiliate_orders; 0 already done, 3 would run\. Nothing was written\./,
    );
    const [ledger] = await sql<{ n: number }[]>`select count(*)::int as n from etl.sync_windows`;
    expect(ledger?.n).toBe(0);

    const stateOf = () =>
      sql`select scope, cursor, watermark from etl.sync_state where stream = 'seller_affiliate_orders' order by scope`;
    const stateBefore = await stateOf();
    const run = await h.run(['backfill', ...range]);
    expect(run.code).toBe(0);
    // Its resume points are the ledger rows: no sync_state checkpoint written, the watermark untouched.
    expect(await stateOf()).toEqual(stateBefore);
    expect(run.stderr).toContain('[backfill seller_affiliate_orders] 3/3 windows');
    expect(run.stdout).toMatch(/\| +1 \| seller_affiliate_orders \| succeeded \|/);
    const windows = await sql`select status from etl.sync_windows where kind = 'backfill'`;
    expect(windows.map((w) => w.status)).toEqual(['done', 'done', 'done']);

    const again = await h.runHere(['backfill', ...range, '--dry-run']);
    expect(again.stdout).toContain('3 already done, 0 would run');
  });

  it('rejects bad arguments with exit 2 and a message that says what to fix', async () => {
    const cases: [string[], RegExp][] = [
      [['sync', '--stream', 'orders'], /unknown stream "orders"; expected one of: seller_affiliate_orders/],
      [['sync', '--connection', '99'], /There is no connection 99 \(connections: 1, 2, 3\)/],
      [['sync', '--connection', '0'], /not a connection id/],
      [
        ['sync', '--stream', 'partner_campaigns', '--connection', '1'],
        /No selected active connection feeds partner_campaigns \(it needs a partner connection\)/,
      ],
      [
        ['backfill', '--stream', 'open_collaborations', '--from', '2025-01-01', '--to', '2025-02-01'],
        /order streams only/,
      ],
      [
        ['backfill', '--stream', 'seller_affiliate_orders', '--from', '2025-02-01', '--to', '2025-01-01'],
        /must be before --to/,
      ],
      [
        ['backfill', '--stream', 'seller_affiliate_orders', '--from', '2025-02-30', '--to', '2025-03-01'],
        /not a real calendar date/,
      ],
      [
        [
          'backfill',
          '--stream',
          'seller_affiliate_orders',
          '--from',
          '2025-01-01T00:00:00',
          '--to',
          '2025-03-01',
        ],
        /ISO instant/,
      ],
      [
        [
          'backfill',
          '--stream',
          'creator_affiliate_orders',
          '--from',
          '2025-01-01',
          '--to',
          '2025-03-01',
          '--connection',
          '1',
        ],
        /is a seller connection; creator_affiliate_orders needs a creator one/,
      ],
      [
        ['backfill', '--from', '2025-01-01', '--to', '2025-03-01'],
        /required option '--stream <name>' not specified/,
      ],
      [
        ['schedule', 'set', '--stream', 'seller_affiliate_orders'],
        /exactly one of --every DURATION or --cron EXPR/,
      ],
      [
        ['schedule', 'set', '--stream', 'seller_affiliate_orders', '--every', '10s'],
        /out of range; use an interval from 1m to 30d/,
      ],
      [
        ['schedule', 'set', '--stream', 'seller_affiliate_orders', '--cron', '* * *'],
        /it has 3 fields, not 5/,
      ],
      [['status', '--stream', 'nope'], /unknown stream "nope"/],
      [['worker', '--concurrency', '0'], /expected a whole number from 1 to 256/],
      [
        ['searches', 'add', '--connection', '2', '--name', 'x'],
        /saved searches belong to seller and creator connections/,
      ],
      [['searches', 'add', '--connection', '1', '--name', 'x', '--price-min', '-1'], /is not an amount/],
    ];
    for (const [args, message] of cases) {
      const r = await h.runHere(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const config = await h.runHere(['doctor'], { REDIS_URL: undefined, ETL_ENCRYPTION_KEY: 'not-a-key' });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('REDIS_URL is not set');
    expect(config.stderr).toContain('ETL_ENCRYPTION_KEY must be 32 bytes');
  });

  it('without Redis: status still answers, sync and doctor say what is wrong', async () => {
    const noRedis = { REDIS_URL: 'redis://127.0.0.1:1/0' };
    const status = await h.runHere(['status'], noRedis);
    expect(status.code).toBe(0);
    // Next runs come from the schedule in Postgres: Redis is not needed to show them.
    expect(status.stdout).not.toMatch(/Next runs unknown/);
    // The backlog line says the queue's waiting runs could not be counted, and why.
    expect(status.stdout).toMatch(
      /runs waiting in the queue not counted: cannot reach Redis at 127\.0\.0\.1:1/,
    );
    const sync = await h.runHere(['sync'], noRedis);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/cannot reach Redis at 127\.0\.0\.1:1.*\nCheck DATABASE_URL \/ REDIS_URL/s);
    const doctor = await h.runHere(['doctor'], noRedis);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/\[FAIL\] redis +cannot reach Redis/);
    expect(doctor.stdout).toMatch(/-> check REDIS_URL/);
    expect(doctor.stdout).toMatch(/\[ ok \] postgres/);
  });

  it('doctor passes on a healthy setup', async () => {
    const r = await h.runHere(['doctor']);
    expect(r.stdout).toMatch(/\[ ok \] postgres +PostgreSQL/);
    expect(r.stdout).toMatch(/\[ ok \] redis +Redis/);
    expect(r.stdout).toMatch(/\[ ok \] migrations +\d+ applied, current/);
    expect(r.stdout).toMatch(
      /\[ ok \] connection 1 +API answers: GET \/authorization\/202309\/shops, POST \/affiliate_seller\/202410\/orders\/search/,
    );
    expect(r.stdout).toMatch(
      /\[ ok \] connection 2 +API answers: GET \/authorization\/202405\/category_assets/,
    );
    expect(r.code).toBe(0);
  });

  it('a revoked token: sync exits 1 with the remedy, status --check and doctor fail', async () => {
    h.sandbox.revoke(creatorToken);
    const r = await h.run(['sync', '--connection', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('0 of 3 runs succeeded.');
    expect(r.stdout).toMatch(/connection 3 creator_affiliate_orders: failed: TokenRevokedError/);
    expect(r.stdout).toMatch(/What to do: The authorization is gone/);
    expect(r.stderr).toContain('3 selected syncs did not sync: 3 did not succeed');

    const status = await h.runHere(['status', '--check']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/creator_affiliate_orders .*\| REAUTH +\|/);
    expect(status.stdout).toContain(
      'connection 3 creator_affiliate_orders: the connection needs re-authorization',
    );

    const doctor = await h.run(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/\[FAIL\] connection 3 +creator ".*" needs re-authorization/);
    expect(doctor.stdout).toMatch(/\[ ok \] connection 1 +API answers/);
    expect(doctor.stdout).toMatch(/check(s)? failed/);

    const skip = await h.runHere(['sync', '--connection', '3']);
    expect(skip.code).toBe(1);
    expect(skip.stdout).toMatch(
      /connection 3 creator_affiliate_orders, creator_target_collaborations, creator_open_collaboration_products: needs re-authorization since .*, because TikTok API .*code 105001/,
    );
  });

  it('never printed a secret', () => {
    const transcript = h.transcript();
    for (const secret of h.secrets()) expect(transcript).not.toContain(secret);
  });
});
