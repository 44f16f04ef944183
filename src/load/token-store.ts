/**
 * The TokenStore the API client's token source uses (src/tiktok/token-source.ts): loads the
 * decrypted token pair of a connection and saves a refreshed pair with an atomic compare-and-swap
 * (docs/architecture.md#invariant-8-credentials-encrypted-refreshed-once: a refresh rotates the pair atomically, one refresh at a time).
 *
 * The types are structurally identical to StoredTokens / TokenStore / TokenPair of
 * src/tiktok/token-source.ts and src/tiktok/types.ts, declared here so src/load stays free of
 * src/tiktok imports (layer rules).
 */
import type { SecretBox } from './crypto.ts';
import type postgres from 'postgres';

export interface StoredTokens {
  accessToken: string;
  /** Absolute epoch seconds (docs/tiktok-api.md#token-response). */
  accessTokenExpiresAt: number;
  refreshToken: string;
  /** Absolute epoch seconds; Number.MAX_SAFE_INTEGER when the expiry was never reported (docs/tiktok-api.md#refresh-token-lifetime). */
  refreshTokenExpiresAt: number;
}

/** The fields of a token response the store keeps (a subset of the client's TokenPair). */
export interface RefreshedTokens {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  grantedScopes?: string[];
}

export interface TokenStore {
  load(): Promise<StoredTokens>;
  save(next: RefreshedTokens, previousRefreshToken: string): Promise<void>;
}

/** Another process rotated the pair first; the caller must reload instead of overwriting a newer pair. */
export class TokenConflictError extends Error {
  override name = 'TokenConflictError';
}

export class ConnectionNotFoundError extends Error {
  override name = 'ConnectionNotFoundError';
}

const seconds = (d: Date | null) => (d === null ? Number.MAX_SAFE_INTEGER : Math.floor(d.getTime() / 1000));
const instant = (epochSeconds: number) => new Date(epochSeconds * 1000);

export function tokenStoreFor(sql: postgres.Sql, box: SecretBox, connectionId: number): TokenStore {
  return {
    async load() {
      const [row] = await sql<
        {
          access_token_enc: string;
          refresh_token_enc: string;
          access_token_expires_at: Date;
          refresh_token_expires_at: Date | null;
        }[]
      >`select access_token_enc, refresh_token_enc, access_token_expires_at, refresh_token_expires_at
        from etl.connections where id = ${connectionId}`;
      if (!row) throw new ConnectionNotFoundError(`connection ${connectionId} does not exist`);
      return {
        accessToken: box.decrypt(row.access_token_enc),
        accessTokenExpiresAt: seconds(row.access_token_expires_at),
        refreshToken: box.decrypt(row.refresh_token_enc),
        refreshTokenExpiresAt: seconds(row.refresh_token_expires_at),
      };
    },

    async save(next, previousRefreshToken) {
      // Compare the DECRYPTED refresh token under a row lock: ciphertexts differ per encryption (random
      // iv) and a key rotation (reencryptAll) rewrites them without changing the token.
      await sql.begin(async (tx) => {
        const [row] = await tx<{ refresh_token_enc: string }[]>`
          select refresh_token_enc from etl.connections where id = ${connectionId} for update`;
        if (!row) throw new ConnectionNotFoundError(`connection ${connectionId} does not exist`);
        if (box.decrypt(row.refresh_token_enc) !== previousRefreshToken) {
          throw new TokenConflictError(
            `connection ${connectionId}: the stored refresh token changed since it was read (refreshed elsewhere); not overwritten`,
          );
        }
        const scopes = next.grantedScopes && next.grantedScopes.length > 0 ? next.grantedScopes : null;
        await tx`
          update etl.connections set
            access_token_enc = ${box.encrypt(next.accessToken)},
            refresh_token_enc = ${box.encrypt(next.refreshToken)},
            access_token_expires_at = ${instant(next.accessTokenExpiresAt)},
            refresh_token_expires_at = ${instant(next.refreshTokenExpiresAt)},
            granted_scopes = coalesce(${scopes}::text[], granted_scopes),
            token_version = token_version + 1,
            updated_at = now()
          where id = ${connectionId}`;
      });
    },
  };
}
