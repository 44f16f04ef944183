/** What the loader's functions run on: a postgres.js pool or an open transaction (the caller's). */
import type postgres from 'postgres';

export type Queryable = postgres.Sql | postgres.TransactionSql;
