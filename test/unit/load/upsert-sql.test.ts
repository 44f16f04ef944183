import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyticsTables } from '../../../src/load/tables.ts';
import { tableShape } from '../../../src/load/table-shape.ts';
import { rowJson, serialize, toJson } from '../../../src/load/upsert.ts';
import { upsertStatement } from '../../../src/load/upsert-sql.ts';
import { canonicalJson, rawHash } from '../../../src/load/quarantine.ts';

describe('upsertStatement', () => {
  for (const [name, table] of analyticsTables()) {
    it(`${name}: updates every business column and nothing it must keep`, () => {
      const shape = tableShape(table);
      const text = upsertStatement(shape).text;
      const set = text.slice(
        text.indexOf('do update set') + 'do update set'.length,
        text.indexOf(' where ', text.indexOf('do update set')),
      );
      for (const column of shape.business)
        expect(set, column.name).toContain(`"${column.name}" = excluded."${column.name}"`);
      for (const key of shape.primaryKey) expect(set).not.toContain(`"${key}" = excluded`);
      expect(set).not.toContain('first_seen_at');
      expect(set).toContain('"synced_at" = excluded."synced_at"');
      // One statement, one parameter batch: no bind-parameter limit to hit.
      expect(text).not.toMatch(/\$4\b/);
    });
  }
});

describe('row serialization', () => {
  const shape = tableShape(analyticsTables().get('sellerOrderSkus')!);

  it('writes values in table column order whatever the key order, missing ones as null', () => {
    const a = rowJson(shape, { order_id: '1', shop_id: 's', line_key: 'k', line_index: 0 });
    const b = rowJson(shape, { line_index: 0, line_key: 'k', shop_id: 's', order_id: '1' });
    expect(a).toBe(b);
    const values = JSON.parse(a) as unknown[];
    expect(values).toHaveLength(shape.payload.length);
    // Payload order: the primary key (shop_id, order_id, create_time, line_key) first, then the rest.
    expect(values.slice(0, 4)).toEqual(['s', '1', null, 'k']);
    expect(values[shape.payload.findIndex((c) => c.name === 'line_index')]).toBe(0);
    expect(values.filter((v) => v === null)).toHaveLength(shape.payload.length - 4);
  });

  it('replaces NUL (which Postgres cannot store) and sends bigint as text', () => {
    expect(toJson({ a: 'x\u0000y', n: 12345678901234567890n })).toBe(
      '{"a":"x\uFFFDy","n":"12345678901234567890"}',
    );
    expect(serialize([{ a: 'plain' }])).toBe('[{"a":"plain"}]');
    expect(toJson({ a: 'back\\u0000slash' })).toBe(JSON.stringify({ a: 'back\\u0000slash' }));
  });
});

describe('canonicalJson', () => {
  it('is independent of key order at every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        );
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        expect(rawHash(shuffled)).toBe(rawHash(value));
      }),
    );
  });
});
