import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addConnection,
  disableConnection,
  getConnection,
  getCredentials,
  listConnections,
  removeConnection,
  setConnectionStatus,
  updateConnectionAssets,
  type NewConnection,
} from '../../../src/load/connections.ts';
import { createSecretBox } from '../../../src/load/crypto.ts';
import type { Db } from '../../../src/load/db.ts';
import { reencryptAll } from '../../../src/load/reencrypt.ts';
import { TokenConflictError, tokenStoreFor } from '../../../src/load/token-store.ts';
import { testDb } from './rows.ts';

const KEY = randomBytes(32).toString('base64');
const box = createSecretBox({ key: KEY });
const SECRETS = {
  appSecret: 'app-secret-e59af819cc-plain',
  accessToken: 'TTP_Fw8rBwAAAAAkW03FYd09DG-access-plain',
  refreshToken: 'TTP_NTUxZTNhYTQ2ZDk2-refresh-plain',
};

function seller(name: string): NewConnection {
  return {
    kind: 'seller',
    name,
    appKey: '29a39d',
    ...SECRETS,
    accessTokenExpiresAt: new Date(1_660_556_783 * 1000),
    refreshTokenExpiresAt: new Date(1_691_487_031 * 1000),
    openId: '7010736057180325637',
    grantedScopes: ['seller.affiliate_collaboration.read'],
    shops: [
      {
        id: '7000714532876273420',
        name: 'Maomao beauty shop',
        region: 'GB',
        cipher: 'GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3',
        code: 'CNGBCBA4LLU8',
      },
    ],
  };
}

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});

describe('connections', () => {
  it('stores secrets encrypted: no plaintext in the raw row, none in list/get output', async () => {
    const id = await addConnection(db.sql, box, seller('shop one'));
    const [raw] = await db.sql<
      { row: string }[]
    >`select c::text as row from etl.connections c where id = ${id}`;
    const [bytes] = await db.sql<{ b: Buffer }[]>`
      select convert_to(app_secret_enc || access_token_enc || refresh_token_enc, 'UTF8') as b from etl.connections where id = ${id}`;
    for (const secret of Object.values(SECRETS)) {
      expect(raw!.row).not.toContain(secret);
      expect(bytes!.b.includes(Buffer.from(secret))).toBe(false);
      expect(JSON.stringify(await listConnections(db.sql))).not.toContain(secret);
      expect(JSON.stringify(await getConnection(db.sql, id))).not.toContain(secret);
    }
    expect(JSON.stringify(await listConnections(db.sql))).not.toMatch(/_enc|v1\./);
    const creds = await getCredentials(db.sql, box, id);
    expect(creds).toMatchObject({
      ...SECRETS,
      kind: 'seller',
      appKey: '29a39d',
      status: 'active',
      tokenVersion: 0,
    });
    expect(creds!.accessTokenExpiresAt.getTime()).toBe(1_660_556_783_000);
    expect(creds!.shops[0]!.cipher).toBe('GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3');
  });

  it('disables, flags re-authorization, updates assets and removes', async () => {
    const id = await addConnection(db.sql, box, seller('shop two'));
    expect(await disableConnection(db.sql, id)).toBe(true);
    expect(await getConnection(db.sql, id)).toMatchObject({
      status: 'disabled',
      statusReason: 'disabled by an operator',
    });
    await setConnectionStatus(db.sql, id, 'reauth_required', 'TokenRevokedError: 105001');
    await updateConnectionAssets(db.sql, id, { grantedScopes: ['a', 'b'], shops: [] });
    expect(await getConnection(db.sql, id)).toMatchObject({
      status: 'reauth_required',
      grantedScopes: ['a', 'b'],
      shops: [],
    });
    expect(await removeConnection(db.sql, id)).toBe(true);
    expect(await removeConnection(db.sql, id)).toBe(false);
    expect(await getConnection(db.sql, id)).toBeNull();
  });
});

describe('tokenStoreFor', () => {
  it('loads epoch-second expiries and rotates the pair with a compare-and-swap: one of two racing refreshes wins', async () => {
    const id = await addConnection(db.sql, box, seller('shop three'));
    const store = tokenStoreFor(db.sql, box, id);
    expect(await store.load()).toEqual({
      accessToken: SECRETS.accessToken,
      accessTokenExpiresAt: 1_660_556_783,
      refreshToken: SECRETS.refreshToken,
      refreshTokenExpiresAt: 1_691_487_031,
    });
    const next = (n: number) => ({
      accessToken: `TTP_access_${n}`,
      accessTokenExpiresAt: 1_700_000_000 + n,
      refreshToken: `TTP_refresh_${n}`,
      refreshTokenExpiresAt: 1_800_000_000 + n,
      grantedScopes: ['seller.affiliate_collaboration.read'],
    });
    const results = await Promise.allSettled([
      store.save(next(1), SECRETS.refreshToken),
      tokenStoreFor(db.sql, box, id).save(next(2), SECRETS.refreshToken),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(TokenConflictError);
    expect(String(rejected.reason.message)).not.toContain('TTP_');
    const stored = await store.load();
    expect([next(1).refreshToken, next(2).refreshToken]).toContain(stored.refreshToken);
    expect((await getConnection(db.sql, id))?.tokenVersion).toBe(1);
  });
});

describe('reencryptAll', () => {
  it('moves every secret to the new key; the old key is no longer needed afterwards', async () => {
    const id = await addConnection(db.sql, box, seller('shop four'));
    const newKey = randomBytes(32).toString('hex');
    const rotating = createSecretBox({ key: newKey, previousKeys: [KEY] });
    expect(await getCredentials(db.sql, rotating, id)).toMatchObject(SECRETS);
    const result = await reencryptAll(db.sql, rotating);
    expect(result.values).toBeGreaterThanOrEqual(3);
    expect(await reencryptAll(db.sql, rotating)).toEqual({ connections: 0, values: 0 });
    const onlyNew = createSecretBox({ key: newKey });
    expect(await getCredentials(db.sql, onlyNew, id)).toMatchObject(SECRETS);
    await expect(getCredentials(db.sql, box, id)).rejects.toThrow(/neither the current key/);
  });
});
