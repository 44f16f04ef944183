/**
 * The process's Postgres access, built once at the edge and passed in (STYLE.md guideline 11):
 * - `sql`: a postgres.js pool with its standard type handling (timestamptz <-> Date, jsonb parsed),
 *   used by the loader's set-based SQL;
 * - `db`: drizzle over a SEPARATE pool. drizzle rewires the date and json (de)serializers of the
 *   client it is given (drizzle-orm/postgres-js/driver.js), which would silently turn every
 *   timestamptz read through `sql` into a string; postgres.js connects lazily, so an unused drizzle
 *   pool costs no connection.
 */
import type { Logger } from 'pino';
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema/index.ts';

export type Sql = postgres.Sql;
export type DrizzleDb = PostgresJsDatabase<typeof schema>;

export interface Db {
  sql: Sql;
  db: DrizzleDb;
  /** Ends the pool; safe to call more than once. */
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size (default 10). */
  max?: number;
  log?: Logger;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

export function createDb(databaseUrl: string, opts: CreateDbOptions = {}): Db {
  const log = opts.log;
  const pool = (max: number) =>
    postgres(databaseUrl, {
      max,
      // Notices ("... already exists, skipping") are routine: debug level, never stderr.
      onnotice: (notice) => log?.debug({ event: 'pg_notice', message: notice.message }, 'postgres notice'),
      // Instants are stored as timestamptz; a UTC session makes text casts and logs agree.
      connection: { TimeZone: 'UTC', application_name: opts.applicationName ?? 'affiliate-etl' },
      idle_timeout: 30,
    });
  const sql = pool(opts.max ?? 10);
  const drizzleClient = pool(Math.max(1, Math.min(opts.max ?? 10, 4)));
  const db = drizzle(drizzleClient, { schema });
  let closing: Promise<void> | null = null;
  return {
    sql,
    db,
    close() {
      closing ??= Promise.all([sql.end({ timeout: 5 }), drizzleClient.end({ timeout: 5 })]).then(() => {});
      return closing;
    },
  };
}
