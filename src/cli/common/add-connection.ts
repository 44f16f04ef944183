/**
 * `connections add`: from an auth code or a token pair to a stored, verified connection.
 *   1. auth code -> tokens (docs/tiktok-api.md#exchanging-an-auth-code; single use, 30 min), checking the token's user_type is the
 *      kind asked for (docs/tiktok-api.md#token-types: 0 seller, 1 creator, 3 partner);
 *   2. probe: discovery of shops / category assets plus one 1-record page (probe.ts); an expired
 *      access token is refreshed on the way (docs/tiktok-api.md#refreshing) and the fresh pair is what gets stored;
 *   3. store, encrypted (src/load/connections.ts). The same account and app added again (a
 *      re-authorization) replaces the tokens of the existing connection instead of duplicating it.
 * Nothing is stored unless every call succeeded.
 */
import type { ConnectionKind } from '../../core/streams.ts';
import type { SecretBox } from '../../load/crypto.ts';
import {
  addConnection,
  type ConnectionSummary,
  listConnections,
  setConnectionStatus,
  updateConnectionAssets,
} from '../../load/connections.ts';
import type { Sql } from '../../load/db.ts';
import { tokenStoreFor } from '../../load/token-store.ts';
import type { ApiClient } from '../../tiktok/client.ts';
import { exchangeAuthCode, refreshTokens } from '../../tiktok/endpoints/token.ts';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit-codes.ts';
import { MemoryTokens, type ProbeResult, probeConnection } from './probe.ts';

const USER_TYPE: Record<ConnectionKind, 0 | 1 | 3> = { seller: 0, creator: 1, partner: 3 };
const KIND_OF_USER_TYPE: Record<number, ConnectionKind> = { 0: 'seller', 1: 'creator', 3: 'partner' };

export type Credentials =
  | { authCode: string }
  | {
      accessToken: string;
      refreshToken: string;
      /** Absolute epoch seconds (docs/tiktok-api.md#token-response). */
      accessTokenExpiresAt: number;
      refreshTokenExpiresAt: number | null;
      openId: string | null;
    };

export interface AddConnectionInput {
  kind: ConnectionKind;
  name: string | null;
  appKey: string;
  appSecret: string;
  credentials: Credentials;
}

export interface AddConnectionResult {
  id: number;
  /** True when an existing connection of the same account and app got the new tokens. */
  reauthorized: boolean;
  name: string;
  probe: ProbeResult;
  openId: string | null;
  grantedScopes: string[];
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date | null;
  /** What was done beyond the obvious (e.g. the creator open_id learned from a refresh), for stderr. */
  notes: string[];
}

export interface AddConnectionDeps {
  sql: Sql;
  box: SecretBox;
  api: ApiClient;
  nowMs: number;
}

export async function addVerifiedConnection(
  deps: AddConnectionDeps,
  input: AddConnectionInput,
): Promise<AddConnectionResult> {
  const { api } = deps;
  const app = { appKey: input.appKey, appSecret: input.appSecret };
  let openId: string | null = null;
  let sellerName: string | null = null;
  let tokens: MemoryTokens;
  if ('authCode' in input.credentials) {
    const pair = await exchangeAuthCode(
      api,
      { ...app, authCode: input.credentials.authCode },
      { nowMs: deps.nowMs },
    );
    if (pair.userType !== USER_TYPE[input.kind]) {
      const actual = KIND_OF_USER_TYPE[pair.userType] ?? `user_type ${pair.userType}`;
      throw new CliError(
        `The auth code belongs to a ${actual} account (user_type ${pair.userType}), not a ${input.kind} one. ` +
          `Run \`affiliate-etl connections add ${actual} ...\` instead (the code is used up: authorize again for a new one).`,
        EXIT_USAGE,
      );
    }
    openId = pair.openId || null;
    sellerName = pair.sellerName;
    tokens = new MemoryTokens(api, app, pair);
  } else {
    const c = input.credentials;
    openId = c.openId;
    tokens = new MemoryTokens(api, app, {
      accessToken: c.accessToken,
      refreshToken: c.refreshToken,
      accessTokenExpiresAt: c.accessTokenExpiresAt,
      // docs/tiktok-api.md#refresh-token-lifetime: the refresh lifetime is undocumented; unknown = never expires as far as we know.
      refreshTokenExpiresAt: c.refreshTokenExpiresAt ?? Number.MAX_SAFE_INTEGER,
    });
  }
  const notes: string[] = [];
  if (input.kind === 'creator' && !openId) {
    // Tokens given without --open-id: the token endpoint says whose they are. A refresh answers with
    // open_id and user_type, and rotates the pair: the new pair is what gets stored (the old refresh
    // token is spent, so the one the operator holds no longer matters).
    const pair = await refreshTokens(
      api,
      { ...app, refreshToken: tokens.current.refreshToken },
      {
        nowMs: deps.nowMs,
      },
    );
    if (pair.userType !== USER_TYPE.creator) {
      const actual = KIND_OF_USER_TYPE[pair.userType] ?? `user_type ${pair.userType}`;
      throw new CliError(
        `These tokens belong to a ${actual} account (user_type ${pair.userType}), not a creator. ` +
          `Nothing was stored, and the check refreshed them, so the refresh token you passed is used up: authorize the ${actual} account again (\`affiliate-etl connections authorize ${actual}\`).`,
        EXIT_USAGE,
      );
    }
    if (!pair.openId)
      throw new CliError(
        'The token endpoint did not say which creator these tokens belong to (no open_id): pass --open-id with the tokens.',
        EXIT_USAGE,
      );
    openId = pair.openId;
    tokens = new MemoryTokens(api, app, pair);
    notes.push(
      `Learned the creator open_id ${openId} from the token endpoint (a token refresh). The refresh rotated the ` +
        'token pair: the new pair is stored, and the refresh token you passed is used up.',
    );
  }
  const probe = await probeConnection(
    api,
    { kind: input.kind, ...app, tokens, openId },
    { nowMs: deps.nowMs },
  );

  const t = tokens.current;
  const grantedScopes = t.grantedScopes ?? [];
  const accessTokenExpiresAt = new Date(t.accessTokenExpiresAt * 1000);
  const refreshTokenExpiresAt =
    t.refreshTokenExpiresAt >= Number.MAX_SAFE_INTEGER / 1000
      ? null
      : new Date(t.refreshTokenExpiresAt * 1000);
  const name = input.name ?? defaultName(input.kind, probe, sellerName, openId);

  const existing = openId ? await findSameAccount(deps.sql, input.kind, input.appKey, openId) : null;
  if (existing) {
    const store = tokenStoreFor(deps.sql, deps.box, existing.id);
    const stored = await store.load();
    await store.save({ ...t, grantedScopes }, stored.refreshToken);
    await updateConnectionAssets(deps.sql, existing.id, {
      shops: probe.shops,
      categoryAssets: probe.categoryAssets,
      ...(grantedScopes.length > 0 ? { grantedScopes } : {}),
    });
    if (existing.status !== 'active') await setConnectionStatus(deps.sql, existing.id, 'active', null);
    return {
      id: existing.id,
      reauthorized: true,
      name: existing.name,
      probe,
      openId,
      grantedScopes,
      accessTokenExpiresAt,
      refreshTokenExpiresAt,
      notes,
    };
  }
  const id = await addConnection(deps.sql, deps.box, {
    kind: input.kind,
    name,
    ...app,
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    accessTokenExpiresAt,
    refreshTokenExpiresAt,
    openId,
    grantedScopes,
    shops: probe.shops,
    categoryAssets: probe.categoryAssets,
  });
  if (!Number.isInteger(id)) throw new CliError('the connection could not be stored', EXIT_FAILURE);
  return {
    id,
    reauthorized: false,
    name,
    probe,
    openId,
    grantedScopes,
    accessTokenExpiresAt,
    refreshTokenExpiresAt,
    notes,
  };
}

async function findSameAccount(
  sql: Sql,
  kind: ConnectionKind,
  appKey: string,
  openId: string,
): Promise<ConnectionSummary | null> {
  const all = await listConnections(sql);
  return all.find((c) => c.kind === kind && c.appKey === appKey && c.openId === openId) ?? null;
}

function defaultName(
  kind: ConnectionKind,
  probe: ProbeResult,
  sellerName: string | null,
  openId: string | null,
): string {
  if (kind === 'seller')
    return (
      sellerName ||
      probe.shops
        .map((s) => s.name)
        .filter(Boolean)
        .join(', ') ||
      'seller'
    );
  if (kind === 'partner')
    return (
      probe.categoryAssets
        .map((a) => a.category_name)
        .filter(Boolean)
        .join(', ') || 'partner'
    );
  return sellerName || `creator ${openId ?? ''}`.trim();
}
