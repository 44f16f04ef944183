/**
 * One Postgres pool per process: the postgres.js client (set-based SQL, COPY, advisory locks) and a
 * drizzle instance over it (typed queries against src/load/schema). Built once at the edge and passed
 * in (STYLE.md guideline 11).
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
  const sql = postgres(databaseUrl, {
    max: opts.max ?? 10,
    // Notices ("schema already exists, skipping") are expected during migrations: debug, not stderr.
    onnotice: (notice) => log?.debug({ event: 'pg_notice', message: notice.message }, 'postgres notice'),
    // Instants are compared and stored in UTC; session output is UTC so logs and text casts agree.
    connection: { TimeZone: 'UTC', application_name: opts.applicationName ?? 'affiliate-etl' },
    idle_timeout: 30,
  });
  const db = drizzle(sql, { schema });
  let closing: Promise<void> | null = null;
  return {
    sql,
    db,
    close() {
      closing ??= sql.end({ timeout: 5 });
      return closing;
    },
  };
}
