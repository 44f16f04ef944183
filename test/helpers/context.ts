/**
 * What test/global-setup.ts hands to every integration test file via vitest's provide/inject.
 * Read it with `inject('redisUrl')` etc., or use the helpers in test/helpers/db.ts and redis.ts.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Maintenance URL of the test Postgres server (database `postgres`): create/drop only. */
    adminDatabaseUrl: string;
    /**
     * Same as adminDatabaseUrl (the server). For a database of your own use
     * process.env.DATABASE_URL (this file's clone) or freshDatabase() from test/helpers/db.ts.
     */
    databaseUrl: string;
    /** Name of the migrated template database that freshDatabase() clones. */
    templateDatabase: string;
    /** Prefix of every database this test run creates (the teardown drops leftovers by it). */
    databasePrefix: string;
    redisUrl: string;
  }
}

/** The URL of another database on the same server as `url`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
