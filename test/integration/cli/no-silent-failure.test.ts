/**
 * No silent failure, through the real CLI: a connection awaiting re-authorization makes `sync` and
 * `backfill` exit 1 and says which pairs did not sync and what to do; a connection an operator
 * disabled is listed and is not an error; a wrong ETL_ENCRYPTION_KEY is reported at once with exit 2
 * (not after BullMQ's whole retry schedule) and leaves a failed run row; `status` and `doctor` put
 * the cause first.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxCreator, SandboxSeller } from '../../../src/sandbox/types.ts';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

let h: CliHarness;
let sql: postgres.Sql;

beforeAll(async () => {
  h = await startCliHarness(14);
  sql = postgres(h.env.DATABASE_URL ?? '', { max: 1, onnotice: () => {} });
  const seller = h.sandbox.accounts.find((a): a is SandboxSeller => a.kind === 'seller')!;
  const creator = h.sandbox.accounts.find((a): a is SandboxCreator => a.kind === 'creator')!;
  for (const args of [
    ['connections', 'add', 'seller', '--auth-code', seller.authCode],
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

const ORDERS = ['--stream', 'seller_affiliate_orders', '--stream', 'creator_affiliate_orders'];
const setStatus = (id: number, status: string, reason: string | null) =>
  sql`update etl.connections set status = ${status}, status_reason = ${reason}, updated_at = now() where id = ${id}`;

describe('no silent failure', () => {
  it('a connection that needs re-authorization: sync exits 1 and names the pairs, the cause and the fix', async () => {
    await setStatus(2, 'reauth_required', 'TokenRevokedError: the access token was revoked (code 105001)');
    const r = await h.runHere(['sync', ...ORDERS]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 of 1 run succeeded.');
    expect(r.stdout).toMatch(
      /Not synced \(1\): the connection needs re-authorization:\n {2}connection 2 creator_affiliate_orders: needs re-authorization since \d{4}-\d\d-\d\d \d\d:\d\dZ, because TokenRevokedError: the access token was revoked \(code 105001\)\n {4}What to do: have the account owner authorize the app again/,
    );
    expect(r.stderr).toContain(
      '1 selected sync did not sync: 1 blocked: the connection needs re-authorization.',
    );
    // Asked for by id it is the same: not synced, exit 1 (not a usage error).
    const only = await h.runHere(['sync', '--connection', '2']);
    expect(only.code).toBe(1);
    expect(only.stderr).toContain('Nothing to run');
    // Every stream of the creator connection is named on its line.
    expect(only.stdout).toContain(
      'connection 2 creator_affiliate_orders, creator_target_collaborations, creator_open_collaboration_products: needs re-authorization',
    );
  });

  it('backfill has the same rule: the blocked connection of the stream is reported, exit 1', async () => {
    const r = await h.runHere([
      'backfill',
      '--stream',
      'creator_affiliate_orders',
      '--from',
      '2025-01-01',
      '--to',
      '2025-01-08',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('connection 2 creator_affiliate_orders: needs re-authorization');
    expect(r.stderr).toContain('1 selected backfill did not sync');
  });

  it('only disabled connections: exit 0, and the listing says what was left out', async () => {
    await setStatus(2, 'disabled', 'disabled by an operator');
    const r = await h.runHere(['sync', '--stream', 'creator_affiliate_orders']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Disabled by an operator, not synced (not an error):');
    expect(r.stdout).toContain('connection 2 the connection is disabled (disabled by an operator)');
    expect(r.stdout).not.toContain('Not synced');
    const both = await h.runHere(['sync', ...ORDERS]);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain('1 of 1 run succeeded.');
    expect(both.stdout).toContain('connection 2 the connection is disabled');
    await setStatus(2, 'active', null);
  });

  it('a wrong ETL_ENCRYPTION_KEY: exit 2 at once with what to do, and a failed run row', async () => {
    const wrongKey = randomBytes(32).toString('base64');
    const started = Date.now();
    const r = await h.run(['sync', '--stream', 'seller_affiliate_orders'], { ETL_ENCRYPTION_KEY: wrongKey });
    const tookMs = Date.now() - started;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'ETL_ENCRYPTION_KEY does not match the key the connections were encrypted with',
    );
    expect(r.stderr).toContain('ETL_ENCRYPTION_KEY_PREVIOUS');
    expect(r.stdout).toMatch(/connection 1 seller_affiliate_orders: failed: EncryptionKeyMismatchError/);
    // Before: five BullMQ attempts with exponential backoff, about 75 s of silence.
    expect(tookMs).toBeLessThan(30_000);
    const runs = await sql<{ status: string; error_class: string; trigger: string }[]>`
      select status, error_class, trigger from etl.sync_runs
      where connection_id = 1 and error_class = 'EncryptionKeyMismatchError'`;
    expect(runs).toEqual([{ status: 'failed', error_class: 'EncryptionKeyMismatchError', trigger: 'cli' }]);
    expect(r.stderr + r.stdout).not.toContain(wrongKey);
  });

  it('status and doctor put the cause first: wrong key, re-authorization, streams that stopped syncing', async () => {
    await setStatus(2, 'reauth_required', 'TokenRevokedError: the access token was revoked (code 105001)');
    // Connection 1 was added 5 hours ago and its hourly streams never ran: they stopped syncing.
    await sql`update etl.connections set created_at = now() - interval '5 hours' where id = 1`;
    const status = await h.runHere(['status', '--check']);
    expect(status.code).toBe(1);
    const [problems = '', table = ''] = status.stdout.split('\n\n');
    expect(problems).toMatch(/^Problems \(\d+\):/);
    expect(table).toMatch(/^\+|^ *conn|\| conn/m);
    expect(problems).toMatch(
      /connection 1 seller_affiliate_orders: blocked \(no retry helps\) since \d{4}-\d\d-\d\d \d\d:\d\dZ with EncryptionKeyMismatchError: credential was encrypted with key/,
    );
    expect(problems).toMatch(
      /connection 1 open_collaborations: has never succeeded since the connection was added \(5 × its 1h interval\)\n {4}What to do: check that a worker runs/,
    );
    expect(problems).toMatch(
      /connection 2 creator_affiliate_orders: the connection needs re-authorization since \d{4}-\d\d-\d\d \d\d:\d\dZ, because TokenRevokedError/,
    );
    expect(problems).toMatch(
      /EncryptionKeyMismatchError: .*\n {4}What to do: ETL_ENCRYPTION_KEY is not the key the connections were stored with/,
    );
    expect(table).toMatch(/\| open_collaborations +\|.*\| STALE +\|/);
    expect(table).toMatch(/\| creator_affiliate_orders +\|.*\| REAUTH +\|/);

    const doctor = await h.runHere(['doctor']);
    expect(doctor.code).toBe(1);
    const lines = doctor.stdout.split('\n');
    const firstOf = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(doctor.stdout).toMatch(
      /\[FAIL\] connection 1 +seller_affiliate_orders blocked \(no retry helps\) since .* with EncryptionKeyMismatchError/,
    );
    expect(doctor.stdout).toMatch(
      /\[FAIL\] connection 1 +open_collaborations has never succeeded since the connection was added/,
    );
    expect(doctor.stdout).toMatch(
      /\[FAIL\] connection 2 +creator ".*" needs re-authorization since \d{4}-\d\d-\d\d \d\d:\d\dZ, because TokenRevokedError/,
    );
    // The cause comes before the connection's token, scope and API checks.
    expect(firstOf(/connection 1 +open_collaborations has never/)).toBeLessThan(
      firstOf(/connection 1 +API answers/),
    );

    // Fixed: the right key syncs again and the stream is healthy.
    await sql`update etl.connections set created_at = now() where id = 1`;
    const fixed = await h.runHere(['sync', '--stream', 'seller_affiliate_orders']);
    expect(fixed.code).toBe(0);
    const after = await h.runHere([
      'status',
      '--connection',
      '1',
      '--stream',
      'seller_affiliate_orders',
      '--check',
    ]);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('Problems');
  });

  it('never printed a secret', () => {
    const transcript = h.transcript();
    for (const secret of h.secrets()) expect(transcript).not.toContain(secret);
  });
});
