/**
 * Row-side twin of src/load/schema/columns.ts (transform may not import load): the same mechanical
 * WAREHOUSE.md naming of money, price-range and bps columns. The schema tests check that every
 * normalizer emits exactly its table's non-bookkeeping columns, so the two cannot drift apart.
 */
import type { Money, PriceRange } from './reader.ts';

export function moneyCols(name: string, m: Money): Record<string, string | null> {
  const amount = name.endsWith('_amount') ? name : `${name}_amount`;
  return { [amount]: m.amount, [`${name}_currency`]: m.currency };
}

export function rangeCols(name: string, r: PriceRange): Record<string, string | null> {
  return { [`${name}_min_amount`]: r.min, [`${name}_max_amount`]: r.max, [`${name}_currency`]: r.currency };
}

/** `{...}` without `field` (the parent's raw when children are stored row by row elsewhere). */
export function without(obj: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
  const copy = { ...obj };
  for (const f of fields) delete copy[f];
  return copy;
}

export function keyOfField(raw: unknown, ...path: string[]): string | null {
  let v: unknown = raw;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return null;
    v = (v as Record<string, unknown>)[p];
  }
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}
