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
    expect(only.stdout).toContain('connection 2 creator_affiliate_orders: needs re-authorization');
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

  it('never printed a secret', () => {
    const transcript = h.transcript();
    for (const secret of h.secrets()) expect(transcript).not.toContain(secret);
  });
});
