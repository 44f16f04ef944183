/**
 * Row-side twin of src/load/schema/columns.ts (transform may not import load): the same mechanical
 * docs/warehouse.md#column-conventions naming of money, price-range and bps columns. The schema tests check that every
 * normalizer emits exactly its table's non-bookkeeping columns, so the two cannot drift apart.
 */
import type { Money, PriceRange } from './reader.ts';

const moneyNames = new Map<string, [string, string]>();

function moneyNamesOf(name: string): [string, string] {
  let names = moneyNames.get(name);
  if (names === undefined) {
    names = [name.endsWith('_amount') ? name : `${name}_amount`, `${name}_currency`];
    moneyNames.set(name, names);
  }
  return names;
}

export function moneyCols(name: string, m: Money): Record<string, string | null> {
  const [amount, currency] = moneyNamesOf(name);
  return { [amount]: m.amount, [currency]: m.currency };
}

/** Same as `Object.assign(row, moneyCols(name, m))` without the temporary object (hot path: order lines). */
export function setMoney(row: Record<string, unknown>, name: string, m: Money): void {
  const [amount, currency] = moneyNamesOf(name);
  row[amount] = m.amount;
  row[currency] = m.currency;
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

/** The raw value at `path` (undefined when any step is not an object). */
export function fieldOf(raw: unknown, ...path: string[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/**
 * The record's key for its quarantine row, or null when it cannot be read exactly. A number id past
 * 2^53 was already rounded by the JSON parser: its text would name another record (the quarantine row
 * would then vouch for the wrong order), so it counts as unknown.
 */
export function keyOfField(raw: unknown, ...path: string[]): string | null {
  const v = fieldOf(raw, ...path);
  if (typeof v === 'string') return v;
  return typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : null;
}
