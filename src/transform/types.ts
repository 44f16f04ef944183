/**
 * Contract of the pure normalizers (src/transform). No I/O, no clock: the sync time is passed in.
 * A record that cannot be normalized becomes a RejectedRecord; it never throws.
 */

export interface RejectedRecord {
  /** Short machine-friendly reason, e.g. `missing_field:id`, `bad_money:price.amount`. */
  reason: string;
  /** Human-readable detail for the quarantine table. */
  detail: string;
  /** The record as received (kept whole, for replay). */
  raw: unknown;
  /** Best-effort identifier (order id, collaboration id...) when one could be read. */
  recordKey: string | null;
  /**
   * Snapshot streams only: the stored rows this record stands for, when its key could still be read
   * (the loader counts them as seen by the run, values untouched, so the snapshot does not tombstone
   * them); null when the key could not be read (the snapshot of its scope is then incomplete).
   * Absent for streams without tombstones (orders).
   */
  stored?: StoredRowsKey | null;
}

/** Rows of `tables` whose columns equal `key` (a primary key, or a prefix of one for child tables). */
export interface StoredRowsKey {
  /** Table export names of src/load/schema. */
  tables: string[];
  key: Record<string, string>;
}

export interface NormalizeContext {
  /** shop_id (seller streams), creator_id (creator streams) or partner_id (partner streams). */
  ownerId: string;
  /** The sync's clock reading; used for snapshot_date of daily history rows, never Date.now(). */
  now: Date;
  /** Extra scope some streams need (search_id, campaign_id, product_id, collaboration status...). */
  scope?: Record<string, string>;
}

/**
 * Rows keyed by the drizzle table export name in src/load/schema (e.g. `sellerOrders`).
 * Row objects use the drizzle property names of that table and omit the bookkeeping columns
 * (first_seen_at, synced_at, run_id, is_active, removed_at, last_seen_run_id), which the loader owns.
 */
export type TableRows = Record<string, Record<string, unknown>[]>;

export interface NormalizeResult<R extends TableRows = TableRows> {
  rows: R;
  rejected: RejectedRecord[];
  /** Enum values not in the documented set, kept as text and counted here: `field=VALUE` -> n. */
  unknownEnums: Record<string, number>;
}
