import { describe, expect, it } from 'vitest';
import { createDb } from '../../../src/load/db.ts';
import { connections } from '../../../src/load/schema/index.ts';

describe('createDb', () => {
  it('keeps postgres.js types on `sql` although drizzle rewires the client it is given', async () => {
    const db = createDb(process.env.DATABASE_URL!, { max: 2 });
    try {
      const [row] = await db.sql<{ at: Date; doc: { a: number }; big: string }[]>`
        select '2024-07-31T10:03:06.789Z'::timestamptz as at, '{"a":1}'::jsonb as doc, 9007199254740993::bigint as big`;
      expect(row!.at).toBeInstanceOf(Date);
      expect(row!.at.toISOString()).toBe('2024-07-31T10:03:06.789Z');
      expect(row!.doc).toEqual({ a: 1 });
      expect(row!.big).toBe('9007199254740993');
      // drizzle works on its own pool, typed by the schema.
      expect(await db.db.select().from(connections)).toEqual([]);
      const [tz] = await db.sql`show timezone`;
      expect(tz!.TimeZone).toBe('UTC');
    } finally {
      await db.close();
      await db.close();
    }
  });
});
