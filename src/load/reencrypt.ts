/**
 * Key rotation of credentials at rest: re-encrypts every secret column written with a previous key
 * under the current one. Run it after deploying a new ETL_ENCRYPTION_KEY with the old one kept in
 * ETL_ENCRYPTION_KEY_PREVIOUS; once it reports 0 stale values the previous key can be dropped.
 * Each connection is rewritten under a row lock, so a concurrent token refresh is never lost, and
 * token_version is left alone (the tokens themselves did not change).
 */
import type { SecretBox } from './crypto.ts';
import type postgres from 'postgres';

const SECRET_COLUMNS = ['app_secret_enc', 'access_token_enc', 'refresh_token_enc'] as const;
type SecretColumn = (typeof SECRET_COLUMNS)[number];

export async function reencryptAll(
  sql: postgres.Sql,
  box: SecretBox,
): Promise<{ connections: number; values: number }> {
  const ids = await sql<{ id: number }[]>`select id from etl.connections order by id`;
  let connections = 0;
  let values = 0;
  for (const { id } of ids) {
    const changed = await sql.begin(async (tx) => {
      const [row] = await tx<Record<SecretColumn, string>[]>`
        select app_secret_enc, access_token_enc, refresh_token_enc from etl.connections where id = ${id} for update`;
      if (!row) return 0;
      const next = { ...row };
      let n = 0;
      for (const column of SECRET_COLUMNS) {
        if (!box.isStale(row[column])) continue;
        next[column] = box.encrypt(box.decrypt(row[column]));
        n += 1;
      }
      if (n > 0) {
        await tx`update etl.connections set app_secret_enc = ${next.app_secret_enc},
          access_token_enc = ${next.access_token_enc}, refresh_token_enc = ${next.refresh_token_enc}
          where id = ${id}`;
      }
      return n;
    });
    if (changed > 0) connections += 1;
    values += changed;
  }
  return { connections, values };
}
