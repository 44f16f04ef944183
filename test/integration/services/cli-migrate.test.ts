/** `affiliate-etl migrate` against a fresh, empty database: applies, then is a no-op. */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyDatabase } from '../../helpers/db.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { runCliProcess } from '../../helpers/cli.ts';

describe('affiliate-etl migrate', () => {
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });

  it('migrates an empty database, then reports it up to date', async () => {
    db = await emptyDatabase('cli_migrate');
    const first = await runCliProcess(['migrate'], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migrations?; the database is up to date\.\n$/);

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const schemas = await sql<{ schema_name: string }[]>`
        select schema_name from information_schema.schemata
        where schema_name in ('etl', 'tiktok_affiliate') order by 1`;
      expect(schemas.map((s) => s.schema_name)).toEqual(['etl', 'tiktok_affiliate']);
    } finally {
      await sql.end();
    }

    const second = await runCliProcess(['migrate'], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('Database is up to date: no migration to apply.\n');
  });
});
