/**
 * `connections add|list|disable|enable|remove|rotate-key` end to end: the real executable against
 * the sandbox and a fresh database. Bad credentials and missing scopes are explained (exit 1, nothing
 * stored), bad usage and configuration exit 2 saying what to fix, and no output ever holds a secret.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SandboxPartner, SandboxSeller } from '../../../src/sandbox/types.ts';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

let h: CliHarness;
let sql: postgres.Sql;
/** An auth code already exchanged (single use, docs/tiktok-api.md#exchanging-an-auth-code). */
let usedCode = '';

beforeAll(async () => {
  h = await startCliHarness(10);
  sql = postgres(h.env.DATABASE_URL ?? '', { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end();
  await h?.close();
});

const seller = () => h.sandbox.accounts.find((a): a is SandboxSeller => a.kind === 'seller')!;
const partner = () => h.sandbox.accounts.find((a): a is SandboxPartner => a.kind === 'partner')!;
const creator = () => h.sandbox.accounts.find((a) => a.kind === 'creator')!;

describe('affiliate-etl connections', () => {
  it('adds seller, partner and creator connections, discovering shops and assets', async () => {
    const s = await h.run([
      'connections',
      'add',
      'seller',
      '--auth-code',
      seller().authCode,
      '--name',
      'EU shops',
    ]);
    expect(s.stderr).not.toMatch(/error/i);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^Connection 1 added: seller "EU shops"\./);
    expect(s.stdout).toContain(seller().shops[0]!.id);
    expect(s.stdout).toContain('POST /affiliate_seller/202410/orders/search');

    const p = await h.run(['connections', 'add', 'partner', '--auth-code', partner().authCode, '--id-only']);
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('2\n');

    const c = creator();
    const cr = await h.run([
      'connections',
      'add',
      'creator',
      '--access-token',
      c.accessToken,
      '--refresh-token',
      c.refreshToken,
      '--access-token-expires-at',
      String(c.accessTokenExpiresAt),
      '--open-id',
      c.openId,
    ]);
    expect(cr.code).toBe(0);
    expect(cr.stdout).toContain('Connection 3 added: creator');

    const rows = await sql<
      {
        id: number;
        kind: string;
        shops: { id: string }[];
        category_assets: { cipher: string }[];
        access_token_enc: string;
        open_id: string;
      }[]
    >`
      select id, kind, shops, category_assets, access_token_enc, open_id from etl.connections order by id`;
    expect(rows.map((r) => r.kind)).toEqual(['seller', 'partner', 'creator']);
    expect(rows[0]!.shops.map((x) => x.id)).toEqual(seller().shops.map((x) => x.id));
    expect(rows[1]!.category_assets.map((x) => x.cipher)).toEqual(
      partner().categoryAssets.map((x) => x.cipher),
    );
    expect(rows[2]!.open_id).toBe(c.openId);
    // Encrypted at rest: the stored value is an envelope, not the token.
    expect(rows[2]!.access_token_enc).not.toContain(c.accessToken);
    expect(rows[2]!.access_token_enc).toMatch(/^v1\./);
  });

  it('lists connections with status, owners and expiries but never a secret', async () => {
    const table = await h.run(['connections', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\|\s+1 \| seller\s+\| EU shops/);
    expect(table.stdout).toContain('never');
    const json = await h.runHere(['connections', 'list', '--json']);
    const list = JSON.parse(json.stdout) as {
      id: number;
      status: string;
      appSecret?: string;
      accessToken?: string;
    }[];
    expect(list.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(list.every((c) => c.appSecret === undefined && c.accessToken === undefined)).toBe(true);
  });

  it('re-adding the same account re-authorizes the existing connection instead of duplicating it', async () => {
    const grant = h.sandbox.issueGrant(seller().openId);
    usedCode = grant.authCode;
    const r = await h.runHere(['connections', 'add', 'seller', '--auth-code', grant.authCode]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Connection 1 re-authorized/);
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from etl.connections`;
    expect(n).toBe(3);
  });

  it('explains a bad app secret (106001) and a missing scope (105005), storing nothing', async () => {
    const s = seller();
    const bad = await h.runHere([
      'connections',
      'add',
      'seller',
      '--app-secret',
      'not-the-secret-of-this-app',
      '--access-token',
      s.accessToken,
      '--refresh-token',
      s.refreshToken,
      '--access-token-expires-at',
      String(s.accessTokenExpiresAt),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('code 106001');
    expect(bad.stderr).toMatch(/What to do: The request signature was rejected .*app secret/);

    const noScope = h.sandbox.issueGrant(partner().openId, { scopes: [] });
    const denied = await h.runHere(['connections', 'add', 'partner', '--auth-code', noScope.authCode]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('105005');
    expect(denied.stderr).toContain('Read Affiliate Partner Campaigns');

    const used = await h.runHere(['connections', 'add', 'seller', '--auth-code', usedCode]);
    expect(used.code).toBe(1);
    expect(used.stderr).toMatch(/What to do: The authorization is gone/);

    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from etl.connections`;
    expect(n).toBe(3);
  });

  it('rejects bad usage and bad configuration with exit 2 and says what to fix', async () => {
    const kind = await h.runHere(['connections', 'add', 'shop', '--auth-code', 'x']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('expected seller, creator or partner');

    const both = await h.runHere(['connections', 'add', 'seller', '--auth-code', 'x', '--access-token', 'y']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');

    const partial = await h.runHere([
      'connections',
      'add',
      'seller',
      '--access-token',
      'y',
      '--access-token-expires-at',
      'tomorrow',
    ]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('epoch timestamp');

    const noCreatorId = await h.runHere([
      'connections',
      'add',
      'creator',
      '--access-token',
      'a-token-value',
      '--refresh-token',
      'r-token-value',
      '--access-token-expires-at',
      '1900000000',
    ]);
    // Without --open-id the token endpoint is asked whose the tokens are: made-up ones are refused there.
    expect(noCreatorId.code).toBe(1);
    expect(noCreatorId.stderr).toContain('Connection not added');

    const noApp = await h.runHere(['connections', 'add', 'seller', '--auth-code', 'abc'], {
      TIKTOK_APP_KEY: undefined,
      TIKTOK_APP_SECRET: undefined,
    });
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain('--app-key (or set TIKTOK_APP_KEY)');

    const noKey = await h.runHere(['connections', 'list'], {
      ETL_ENCRYPTION_KEY: 'short',
      DATABASE_URL: 'mysql://x',
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('ETL_ENCRYPTION_KEY');
    expect(noKey.stderr).toContain('DATABASE_URL');

    const unmigrated = await h.runHere(['connections', 'list'], { DATABASE_URL: inject('adminDatabaseUrl') });
    expect(unmigrated.code).toBe(2);
    expect(unmigrated.stderr).toContain('run `affiliate-etl migrate` first');

    const down = await h.runHere(['connections', 'list'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach Postgres at 127.0.0.1:1/none');

    const id = await h.runHere(['connections', 'disable', 'abc']);
    expect(id.code).toBe(2);
    expect(id.stderr).toContain('not a connection id');

    const missing = await h.runHere(['connections', 'remove', '99']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no connection 99');
  });

  it('disables, enables, rotates the key and removes', async () => {
    const d = await h.runHere(['connections', 'disable', '2']);
    expect(d.code).toBe(0);
    expect((await sql`select status from etl.connections where id = 2`)[0]?.status).toBe('disabled');
    const e = await h.runHere(['connections', 'enable', '2']);
    expect(e.code).toBe(0);
    expect((await sql`select status from etl.connections where id = 2`)[0]?.status).toBe('active');

    const newKey = randomBytes(32).toString('hex');
    const rotate = await h.runHere(['connections', 'rotate-key'], {
      ETL_ENCRYPTION_KEY: newKey,
      ETL_ENCRYPTION_KEY_PREVIOUS: h.env.ETL_ENCRYPTION_KEY,
    });
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toMatch(/^Re-encrypted 9 secret values in 3 connections/);
    // The old key alone can no longer read them; doctor would say so. The new key can.
    const listed = await h.runHere(['connections', 'list'], { ETL_ENCRYPTION_KEY: newKey });
    expect(listed.code).toBe(0);

    // Without a terminal to ask on, removal needs --yes: refused (exit 2), nothing deleted.
    const unconfirmed = await h.runHere(['connections', 'remove', '3']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('Pass --yes to confirm');
    expect((await sql`select id from etl.connections order by id`).map((x) => x.id)).toEqual([1, 2, 3]);

    const r = await h.runHere(['connections', 'remove', '3', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Connection 3 (creator');
    expect((await sql`select id from etl.connections order by id`).map((x) => x.id)).toEqual([1, 2]);
  });

  it('never printed a secret', () => {
    const transcript = h.transcript();
    for (const secret of h.secrets()) expect(transcript).not.toContain(secret);
  });
});
