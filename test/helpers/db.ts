/**
 * One fresh database per test file, cloned from the migrated template (graphile-worker style):
 * `CREATE DATABASE x TEMPLATE t` copies files instead of replaying migrations, so it is fast.
 * Only valid in the integration tier (its global setup provides the template).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { withDatabase } from './context.ts';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

export function adminSql(adminUrl: string): postgres.Sql {
  return postgres(adminUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'affiliate-etl tests' },
  });
}

/** A migrated database of its own (a clone of the template). */
export function freshDatabase(label = 'db'): Promise<TestDatabase> {
  return createDatabase(label, inject('templateDatabase'));
}

/** An empty database (no migrations), e.g. to test the migrations themselves. */
export function emptyDatabase(label = 'empty'): Promise<TestDatabase> {
  return createDatabase(label, 'template0');
}

async function createDatabase(label: string, template: string): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const name = `${inject('databasePrefix')}_${safeLabel}_${randomBytes(4).toString('hex')}`;
  const sql = adminSql(adminUrl);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await sql.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (err) {
        // 55006: "source database is being accessed by other users" (a clone running at the same
        // moment on another server process holds it briefly): wait and retry.
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  let dropped = false;
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const admin = adminSql(adminUrl);
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
