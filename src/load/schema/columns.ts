/**
 * Column helpers shared by every analytics table, so the docs/warehouse.md#column-conventions conventions are applied
 * mechanically (and identically) everywhere:
 *  - money `{amount, currency}` field x -> `x_amount numeric(20,4)` + `x_currency text`
 *    (a field already ending in `_amount` keeps its name: `paid_amount`, `paid_amount_currency`);
 *  - price range x -> `x_min_amount`, `x_max_amount`, `x_currency`;
 *  - basis points x -> `x_bps integer` (1234 = 12.34 %);
 *  - bookkeeping columns owned by the loader (first_seen_at, synced_at, run_id; snapshot tables add
 *    is_active, removed_at, last_seen_run_id).
 * Each helper has a `*Docs` twin producing the column comments, so no table can forget one.
 * Drizzle property names ARE the SQL column names (no explicit names passed): rows map 1:1.
 */
import { bigint, boolean, integer, numeric, text, timestamp } from 'drizzle-orm/pg-core';

/** numeric(20,4): 16 integer digits (the normalizers reject |x| >= 1e16) and 4 decimals. */
export const moneyAmount = () => numeric({ precision: 20, scale: 4 });
export const instant = () => timestamp({ withTimezone: true, mode: 'date' });
export const bpsColumn = () => integer();

type MoneyAmountName<N extends string> = N extends `${string}_amount` ? N : `${N}_amount`;
type MoneyAmountCol = ReturnType<typeof moneyAmount>;
type TextCol = ReturnType<typeof text>;

/** The SQL name of the amount column of money field `name` (docs/warehouse.md#column-conventions column conventions). */
export function moneyAmountName<N extends string>(name: N): MoneyAmountName<N> {
  return (name.endsWith('_amount') ? name : `${name}_amount`) as MoneyAmountName<N>;
}

export function money<N extends string>(
  name: N,
): { [K in MoneyAmountName<N>]: MoneyAmountCol } & { [K in `${N}_currency`]: TextCol } {
  return { [moneyAmountName(name)]: moneyAmount(), [`${name}_currency`]: text() } as {
    [K in MoneyAmountName<N>]: MoneyAmountCol;
  } & { [K in `${N}_currency`]: TextCol };
}

export function priceRange<N extends string>(
  name: N,
): { [K in `${N}_min_amount` | `${N}_max_amount`]: MoneyAmountCol } & { [K in `${N}_currency`]: TextCol } {
  return {
    [`${name}_min_amount`]: moneyAmount(),
    [`${name}_max_amount`]: moneyAmount(),
    [`${name}_currency`]: text(),
  } as { [K in `${N}_min_amount` | `${N}_max_amount`]: MoneyAmountCol } & {
    [K in `${N}_currency`]: TextCol;
  };
}

export function bps<N extends string>(name: N): { [K in `${N}_bps`]: ReturnType<typeof bpsColumn> } {
  return { [`${name}_bps`]: bpsColumn() } as { [K in `${N}_bps`]: ReturnType<typeof bpsColumn> };
}

/** Loader-owned columns of every analytics table (docs/warehouse.md#tables). Normalizers never emit them. */
export const BOOKKEEPING_COLUMNS = ['first_seen_at', 'synced_at', 'run_id'] as const;
/** Loader-owned columns snapshot tables add (tombstones: docs/architecture.md#snapshot-streams). */
export const SNAPSHOT_COLUMNS = ['is_active', 'removed_at', 'last_seen_run_id'] as const;

export function bookkeeping() {
  return {
    first_seen_at: instant().notNull().defaultNow(),
    synced_at: instant().notNull().defaultNow(),
    run_id: bigint({ mode: 'number' }),
  };
}

/**
 * Loader-owned digest of the row as the pipeline last wrote it (src/load/row-hash.ts): a sync ships
 * only rows whose digest changed. Every table the pipeline upserts has it; it is not content.
 */
export function rowHash() {
  return { row_hash: text() };
}

export function snapshotBookkeeping() {
  return {
    ...bookkeeping(),
    is_active: boolean().notNull().default(true),
    removed_at: instant(),
    last_seen_run_id: bigint({ mode: 'number' }),
  };
}

// ---- documentation twins ------------------------------------------------------------------

export function bookkeepingDocs(): Record<(typeof BOOKKEEPING_COLUMNS)[number], string> {
  return {
    first_seen_at: 'Bookkeeping: when the pipeline first inserted this row (UTC).',
    synced_at:
      'Bookkeeping: last time a sync inserted or changed this row (UTC); a re-sync that finds the row ' +
      'unchanged leaves it as is (snapshot tables record that confirmation in last_seen_run_id).',
    run_id: 'Bookkeeping: etl.sync_runs.id of the run that last inserted or changed this row.',
  };
}

export function rowHashDocs(): Record<'row_hash', string> {
  return {
    row_hash:
      'Bookkeeping: digest of the row as the pipeline last wrote it; a sync re-sends a row only when its ' +
      'digest changed. The warehouse is written by the pipeline alone: a row changed by hand is not ' +
      'repaired by a normal sync (`affiliate-etl sync --full-refresh` ignores the digests and repairs it).',
  };
}

export function snapshotBookkeepingDocs(): Record<
  (typeof BOOKKEEPING_COLUMNS)[number] | (typeof SNAPSHOT_COLUMNS)[number],
  string
> {
  return {
    ...bookkeepingDocs(),
    is_active:
      'Snapshot: false once a complete snapshot of the owner no longer returned this row (tombstone); ' +
      'filter `is_active` for the current state.',
    removed_at: 'Snapshot: when the row was tombstoned (UTC); null while active.',
    last_seen_run_id:
      'Snapshot: etl.sync_runs.id of the last complete or partial run that returned this row.',
  };
}

/** Comments for `money(name)`; `source` is the API field path, e.g. `orders[].skus[].price`. */
export function moneyDocs(name: string, source: string, meaning: string): Record<string, string> {
  return {
    [moneyAmountName(name)]:
      `${meaning}. Decimal amount in major currency units (exact, numeric(20,4)); ` +
      `localized strings such as "Rp9.900" are parsed per currency. Source: ${source}.amount.`,
    [`${name}_currency`]: `ISO 4217 currency of ${moneyAmountName(name)}. Source: ${source}.currency.`,
  };
}

/** Comments for `priceRange(name)`. */
export function priceRangeDocs(name: string, source: string, meaning: string): Record<string, string> {
  return {
    [`${name}_min_amount`]: `${meaning}: lower bound, decimal in major units. Source: ${source}.minimum_amount.`,
    [`${name}_max_amount`]: `${meaning}: upper bound, decimal in major units. Source: ${source}.maximum_amount.`,
    [`${name}_currency`]: `ISO 4217 currency of the ${name} range. Source: ${source}.currency.`,
  };
}

/** Comment for `bps(name)`. */
export function bpsDocs(name: string, source: string, meaning: string): Record<string, string> {
  return {
    [`${name}_bps`]:
      `${meaning}, in basis points (1234 = 12.34 %; divide by 10000 for a fraction). ` +
      `Sent as int or string by the API. Source: ${source}.`,
  };
}
