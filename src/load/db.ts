/**
 * The process's Postgres access, built once at the edge and passed in (CONTRIBUTING.md#dependencies-passed-in):
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
  /**
   * A client of its own with ONE connection that is never recycled (no idle timeout, no lifetime),
   * for session state held across a whole run (advisory locks). `onLost` is called once if that
   * connection closes: whatever the session held is gone. Close it with `end()`.
   */
  session(onLost: (err: Error) => void): Sql;
  /**
   * Replaces the pool behind `sql` with a fresh one (the old one ends once its queries settle). After
   * an outage the old pool's connections carry postgres.js state from before it (the error that ended
   * a connection handed to the next query on it; reconnect back-off grown up to 20 s), so a process
   * that saw Postgres come back starts over. `sql` stays the same object: holders keep it.
   */
  renew(): void;
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

/**
 * Error codes meaning the connection under a query is gone: postgres.js' own, the socket's, and the
 * server's FATAL shutdown / crash codes (the server closes the socket right after sending them).
 */
const CONNECTION_LOST = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown (pg_ctl stop -m fast)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/** True when `err` says the Postgres connection it ran on was lost (not a statement error). */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_LOST.has(code);
}

type TxBody = (tx: postgres.TransactionSql) => unknown;

/** What one transaction knows about its connection: the error that ended it, once it has. */
interface TxState {
  lost: unknown;
}

type Handler = ((query: PendingQuery) => unknown) & { debug?: unknown };
interface PendingQuery {
  handler?: Handler;
  reject: (err: unknown) => void;
}

/**
 * Makes a query of the transaction refuse to run once the transaction's connection is lost. Without
 * this, postgres.js sends it on the same connection object, which the pool may have RECONNECTED
 * meanwhile for another query: the statement would then run outside the transaction, in autocommit
 * (a ledger row marked done without the page's rows), or be written to a null socket (a crash).
 */
function guardQuery(query: unknown, state: TxState): unknown {
  const q = query as PendingQuery | null;
  if (!q || typeof q.handler !== 'function') return query; // a fragment or helper, not a query
  const handler = q.handler;
  const guarded: Handler = (pending) => {
    if (state.lost) return pending.reject(state.lost);
    const reject = pending.reject;
    pending.reject = (err) => {
      if (isConnectionLost(err)) state.lost ??= err;
      reject(err);
    };
    return handler(pending);
  };
  guarded.debug = handler.debug;
  q.handler = guarded;
  return query;
}

/** The transaction (or savepoint) `tx`, with every query guarded and savepoints guarded in turn. */
function guardTx(tx: postgres.TransactionSql, state: TxState): postgres.TransactionSql {
  return new Proxy(tx, {
    apply: (target, thisArg, args: unknown[]) => guardQuery(Reflect.apply(target, thisArg, args), state),
    get: (target, prop) => {
      if (prop === 'unsafe')
        return (...args: unknown[]) =>
          guardQuery((target.unsafe as (...a: unknown[]) => unknown)(...args), state);
      if (prop === 'savepoint') {
        const savepoint = target.savepoint.bind(target) as (...args: unknown[]) => Promise<unknown>;
        // Savepoints roll back the same way (`rollback to`) on the same connection.
        return (...args: unknown[]) => {
          const inner = args.pop() as TxBody;
          return savepoint(...args, guardBody(inner, state));
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * postgres.js 3.4.9 sends its own ROLLBACK (or `rollback to`) when a transaction body rejects, on
 * the transaction's connection, without checking that the connection is still open. When the body
 * rejected BECAUSE the connection closed, that write is queued for the next tick on a socket already
 * set to null, and throws a TypeError from a timer: an uncaught exception that kills the process,
 * beyond the reach of any await. So a body whose connection was lost is never settled: postgres.js
 * then has nothing to roll back, and the transaction's promise rejects by itself with the
 * connection's close error (begin() races the body against the connection's onclose). The server
 * rolls the transaction back anyway when the connection drops.
 */
function guardBody(fn: TxBody, state: TxState = { lost: null }): TxBody {
  return (tx) =>
    Promise.resolve()
      .then(() => fn(guardTx(tx, state)))
      .catch((err: unknown) => {
        if (state.lost || isConnectionLost(err)) return new Promise<never>(() => undefined);
        throw err;
      });
}

/** Installs the guard above on every transaction of `sql`. */
function guardTransactions(sql: Sql): Sql {
  const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>;
  (sql as { begin: unknown }).begin = (...args: unknown[]) => {
    const fn = args.pop() as TxBody;
    return begin(...args, guardBody(fn));
  };
  return sql;
}

export function createDb(databaseUrl: string, opts: CreateDbOptions = {}): Db {
  const log = opts.log;
  const options = (max: number): postgres.Options<Record<string, postgres.PostgresType>> => ({
    max,
    // Notices ("... already exists, skipping") are routine: debug level, never stderr.
    onnotice: (notice) => log?.debug({ event: 'pg_notice', message: notice.message }, 'postgres notice'),
    // Instants are stored as timestamptz; a UTC session makes text casts and logs agree.
    connection: { TimeZone: 'UTC', application_name: opts.applicationName ?? 'affiliate-etl' },
    idle_timeout: 30,
  });
  const pool = (max: number) => guardTransactions(postgres(databaseUrl, options(max)));
  let current = pool(opts.max ?? 10);
  const retired: Sql[] = [];
  // Every property and call goes to the current pool (a function target, so tagged-template calls
  // work); postgres.js helpers are closures, so binding them to their pool is all they need.
  const sql = new Proxy(function pooled() {} as unknown as Sql, {
    apply: (_t, _this, args: unknown[]) => (current as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_t, prop) => {
      const value = Reflect.get(current, prop);
      return typeof value === 'function' ? value.bind(current) : value;
    },
    set: (_t, prop, value) => Reflect.set(current, prop, value),
    has: (_t, prop) => Reflect.has(current, prop),
  });
  const drizzleClient = pool(Math.max(1, Math.min(opts.max ?? 10, 4)));
  const db = drizzle(drizzleClient, { schema });
  let closing: Promise<void> | null = null;
  return {
    sql,
    db,
    renew() {
      if (closing) return;
      const old = current;
      current = pool(opts.max ?? 10);
      retired.push(old);
      void old
        .end({ timeout: 5 })
        .catch(() => undefined)
        .finally(() => retired.splice(retired.indexOf(old), 1));
    },
    session(onLost) {
      let lost = false;
      // A pooled client of one connection, not sql.reserve(): a query on a reserved connection that
      // has closed is written to a null socket (the crash described above), while this client
      // reconnects (and the reconnected session simply holds nothing).
      return postgres(databaseUrl, {
        ...options(1),
        idle_timeout: 0,
        max_lifetime: 0,
        fetch_types: false,
        onclose: () => {
          if (lost) return;
          lost = true;
          onLost(new Error('the Postgres session holding this lock closed'));
        },
      });
    },
    close() {
      closing ??= Promise.all(
        [current, ...retired, drizzleClient].map((p) => p.end({ timeout: 5 }).catch(() => undefined)),
      ).then(() => {});
      return closing;
    },
  };
}
