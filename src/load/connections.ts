/**
 * Connections (etl.connections): one authorized seller, creator or partner account with its
 * credentials encrypted at rest (docs/architecture.md#invariant-8-credentials-encrypted-refreshed-once). Listing never returns a secret;
 * only getCredentials decrypts, for the engine.
 */
import type { ConnectionKind } from '../core/streams.ts';
import type { SecretBox } from './crypto.ts';
import type { Queryable } from './queryable.ts';

export type ConnectionStatus = 'active' | 'disabled' | 'reauth_required';

/** An authorized shop (docs/tiktok-api.md#authorized-shops), stored as received minus seller_type. */
export interface ShopRef {
  id: string;
  name: string;
  region: string;
  cipher: string;
  code: string;
}

/** An authorized category asset (docs/tiktok-api.md#authorized-category-assets; category.id is a number in the API, a string here). */
export interface CategoryAssetRef {
  cipher: string;
  target_market: string;
  category_id: string;
  category_name: string;
}

export interface NewConnection {
  kind: ConnectionKind;
  name: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  refreshToken: string;
  /** Absolute instants (docs/tiktok-api.md#token-response: the *_expire_in fields are epoch seconds, not TTLs). */
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt?: Date | null;
  openId?: string | null;
  grantedScopes?: string[];
  shops?: ShopRef[];
  categoryAssets?: CategoryAssetRef[];
}

export interface ConnectionSummary {
  id: number;
  kind: ConnectionKind;
  name: string;
  appKey: string;
  status: ConnectionStatus;
  statusReason: string | null;
  openId: string | null;
  grantedScopes: string[];
  shops: ShopRef[];
  categoryAssets: CategoryAssetRef[];
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date | null;
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConnectionCredentials extends ConnectionSummary {
  appSecret: string;
  accessToken: string;
  refreshToken: string;
}

interface ConnectionRow {
  id: number;
  kind: ConnectionKind;
  name: string;
  app_key: string;
  status: ConnectionStatus;
  status_reason: string | null;
  open_id: string | null;
  granted_scopes: string[];
  shops: ShopRef[];
  category_assets: CategoryAssetRef[];
  access_token_expires_at: Date;
  refresh_token_expires_at: Date | null;
  token_version: number;
  created_at: Date;
  updated_at: Date;
}

/** The non-secret columns: the only ones list/get ever select. */
const PUBLIC_COLUMNS = `id, kind, name, app_key, status, status_reason, open_id, granted_scopes, shops,
  category_assets, access_token_expires_at, refresh_token_expires_at, token_version, created_at, updated_at`;

const toSummary = (r: ConnectionRow): ConnectionSummary => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  appKey: r.app_key,
  status: r.status,
  statusReason: r.status_reason,
  openId: r.open_id,
  grantedScopes: r.granted_scopes,
  shops: r.shops,
  categoryAssets: r.category_assets,
  accessTokenExpiresAt: r.access_token_expires_at,
  refreshTokenExpiresAt: r.refresh_token_expires_at,
  tokenVersion: r.token_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function addConnection(sql: Queryable, box: SecretBox, input: NewConnection): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
      access_token_expires_at, refresh_token_expires_at, open_id, granted_scopes, shops, category_assets)
    values (${input.kind}, ${input.name}, ${input.appKey}, ${box.encrypt(input.appSecret)},
      ${box.encrypt(input.accessToken)}, ${box.encrypt(input.refreshToken)}, ${input.accessTokenExpiresAt},
      ${input.refreshTokenExpiresAt ?? null}, ${input.openId ?? null}, ${input.grantedScopes ?? []}::text[],
      ${JSON.stringify(input.shops ?? [])}::text::jsonb, ${JSON.stringify(input.categoryAssets ?? [])}::text::jsonb)
    returning id`;
  return row!.id;
}

export async function listConnections(sql: Queryable): Promise<ConnectionSummary[]> {
  const rows = await sql.unsafe<ConnectionRow[]>(`select ${PUBLIC_COLUMNS} from etl.connections order by id`);
  return rows.map(toSummary);
}

export async function getConnection(sql: Queryable, id: number): Promise<ConnectionSummary | null> {
  const [row] = await sql.unsafe<ConnectionRow[]>(
    `select ${PUBLIC_COLUMNS} from etl.connections where id = $1`,
    [id],
  );
  return row ? toSummary(row) : null;
}

/** Decrypted credentials for the engine; never log the result. */
export async function getCredentials(
  sql: Queryable,
  box: SecretBox,
  id: number,
): Promise<ConnectionCredentials | null> {
  const [row] = await sql.unsafe<
    (ConnectionRow & { app_secret_enc: string; access_token_enc: string; refresh_token_enc: string })[]
  >(
    `select ${PUBLIC_COLUMNS}, app_secret_enc, access_token_enc, refresh_token_enc from etl.connections where id = $1`,
    [id],
  );
  if (!row) return null;
  return {
    ...toSummary(row),
    appSecret: box.decrypt(row.app_secret_enc),
    accessToken: box.decrypt(row.access_token_enc),
    refreshToken: box.decrypt(row.refresh_token_enc),
  };
}

/** Deletes the connection and, by cascade, its state, windows, runs, schedules and quarantine rows. */
export async function removeConnection(sql: Queryable, id: number): Promise<boolean> {
  const result = await sql`delete from etl.connections where id = ${id}`;
  return result.count === 1;
}

export async function setConnectionStatus(
  sql: Queryable,
  id: number,
  status: ConnectionStatus,
  reason: string | null,
): Promise<boolean> {
  const result = await sql`
    update etl.connections set status = ${status}, status_reason = ${reason}, updated_at = now() where id = ${id}`;
  return result.count === 1;
}

export function disableConnection(
  sql: Queryable,
  id: number,
  reason = 'disabled by an operator',
): Promise<boolean> {
  return setConnectionStatus(sql, id, 'disabled', reason);
}

/** Refreshes what the authorization endpoints report (shops, category assets, scopes, open_id). */
export async function updateConnectionAssets(
  sql: Queryable,
  id: number,
  patch: {
    shops?: ShopRef[];
    categoryAssets?: CategoryAssetRef[];
    grantedScopes?: string[];
    openId?: string | null;
  },
): Promise<boolean> {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const result = await sql`
    update etl.connections set
      shops = coalesce(${json(patch.shops)}::text::jsonb, shops),
      category_assets = coalesce(${json(patch.categoryAssets)}::text::jsonb, category_assets),
      granted_scopes = coalesce(${patch.grantedScopes ?? null}::text[], granted_scopes),
      open_id = case when ${patch.openId === undefined} then open_id else ${patch.openId ?? null} end,
      updated_at = now()
    where id = ${id}`;
  return result.count === 1;
}
