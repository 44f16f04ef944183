import { describe, expect, it } from 'vitest';
import { SnapshotCompleteness } from '../../../src/load/tombstone.ts';
import type { RejectedRecord } from '../../../src/transform/types.ts';

const keyed = (id: string): RejectedRecord => ({
  reason: 'record_too_large',
  detail: 'record of 2097152 bytes exceeds 1 MiB',
  raw: { id },
  recordKey: id,
  stored: { tables: ['openCollaborationProducts'], key: { search_id: 's1', product_id: id } },
});
const unkeyed = (stored: null | undefined): RejectedRecord => ({
  reason: 'bad_id:id',
  detail: 'expected a string id',
  raw: { id: {} },
  recordKey: null,
  ...(stored === null ? { stored } : {}),
});

describe('SnapshotCompleteness', () => {
  it('rejected records with a known key never make a scope incomplete', () => {
    const c = new SnapshotCompleteness();
    c.observe({ search_id: 's1' }, [keyed('1'), keyed('2')]);
    expect(c.unkeyedIn('search_id', 's1', false)).toBe(0);
    expect(c.unkeyedIn('shop_id', 'shop', true)).toBe(0);
    expect(c.totals()).toEqual({ keptSeen: 2, unkeyed: 0 });
  });

  it('an unknown key blocks only the batch scope it came from, and every owner-scoped table', () => {
    const c = new SnapshotCompleteness();
    c.observe({ search_id: 's1' }, [keyed('1')]);
    c.observe({ search_id: 's2' }, [unkeyed(null)]);
    expect(c.unkeyedIn('search_id', 's1', false)).toBe(0);
    expect(c.unkeyedIn('search_id', 's2', false)).toBe(1);
    // A campaign without a readable id also hides its products: owner-scoped tables wait a run.
    expect(c.unkeyedIn('partner_id', 'p', true)).toBe(1);
    expect(c.totals()).toEqual({ keptSeen: 1, unkeyed: 1 });
  });

  it('a rejected record that names no stored rows at all counts as an unknown key', () => {
    const c = new SnapshotCompleteness();
    c.observe({}, [unkeyed(undefined)]);
    expect(c.unkeyedIn('shop_id', 'shop', true)).toBe(1);
  });
});
