/**
 * The per-record loop every normalizer shares: guards that apply to any record (JSON object, size,
 * characters Postgres cannot store), then the stream's record contract (contract.ts), then the
 * stream's own mapping; a failing record becomes a RejectedRecord and the rest of the page goes on.
 * Never throws.
 */
import { ABSENT_COLUMNS, type RowWithAbsent } from '../core/absent-columns.ts';
import { checkContract, MAX_RECORD_BYTES, type RecordContract } from './contract.ts';
import { RecordRejection } from './errors.ts';
import { parseId } from './parse-values.ts';
import type { EnumTally } from './reader.ts';
import type { NormalizeContext, NormalizeResult, RejectedRecord, StoredRowsKey } from './types.ts';

export { MAX_RECORD_BYTES } from './contract.ts';

export type Row = Record<string, unknown>;
export type RowsOf<T extends string> = Record<T, Row[]>;

export interface StreamSpec<T extends string> {
  /** Table export names this stream fills (all present in the result, possibly empty). */
  tables: readonly T[];
  /** Scope keys the stream needs in ctx.scope (e.g. campaign_id). */
  scopeKeys?: readonly string[];
  /** The fields a record must carry to be loaded; checked before `map`. */
  contract: RecordContract;
  /** Best-effort record identifier for the quarantine row. */
  keyOf(raw: unknown): string | null;
  /**
   * Snapshot streams: which stored rows a record stands for. A rejected record whose key can be read
   * keeps those rows seen by the run (values untouched) instead of letting the snapshot tombstone them.
   */
  stored?: {
    /** Snapshot tables holding the record's rows (children included: they are its rows too). */
    tables: readonly T[];
    /** Column -> raw value; null, or any value that is not a valid id, means "key unknown". */
    key(raw: unknown, ctx: NormalizeContext): Record<string, unknown> | null;
  };
  /**
   * Columns fed by a top-level field whose name does not tell (the runner's rule: a field `f` feeds the
   * columns `f` and `f_*`). A record read for an optional field it does not carry marks those columns
   * "absent" on its rows, and the loader keeps their stored values (src/core/absent-columns.ts).
   */
  absentFeeds?: Readonly<Record<string, readonly string[]>>;
  /** Maps one record; throws RecordRejection for bad input. */
  map(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<T>>;
}

export function runStream<T extends string>(
  spec: StreamSpec<T>,
  records: unknown,
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<T>> {
  const rows = Object.fromEntries(spec.tables.map((t) => [t, [] as Row[]])) as RowsOf<T>;
  const result: NormalizeResult<RowsOf<T>> = { rows, rejected: [], unknownEnums: {} };
  if (!Array.isArray(records)) {
    result.rejected.push(
      rejection('not_a_list', 'normalizer input is not an array of records', records, null),
    );
    return result;
  }
  const contextProblem = checkContext(ctx, spec.scopeKeys ?? []);
  for (const raw of records) {
    const key = safeKey(spec, raw);
    const reject = (reason: string, detail: string) => {
      const r = rejection(reason, detail, raw, key);
      if (spec.stored) r.stored = contextProblem ? null : storedKey(spec, raw, ctx);
      result.rejected.push(r);
    };
    if (contextProblem) {
      reject(contextProblem.reason, contextProblem.detail);
      continue;
    }
    const tally: EnumTally = {};
    try {
      guardRecord(raw);
      checkContract(spec.contract, raw);
      const absent = new Set<string>();
      const view = tracked(raw, absent);
      const out = spec.map(view, ctx, tally);
      for (const t of spec.tables) {
        const produced = out[t];
        if (!produced) continue;
        for (const row of produced) {
          settleRow(row, view, raw, absent, spec.absentFeeds);
          rows[t].push(row);
        }
      }
      for (const [k, n] of Object.entries(tally)) result.unknownEnums[k] = (result.unknownEnums[k] ?? 0) + n;
    } catch (err) {
      if (err instanceof RecordRejection) reject(err.reason, err.detail);
      else {
        // A bug in a mapping must not abort the page either; the record is kept for replay.
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        reject('internal_error', message.slice(0, 500));
      }
    }
  }
  return result;
}

/** A field name as the API spells them (what a read of an absent field looks like; not `toJSON`). */
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * The record as the mapping sees it: a view that notes each top-level field it is asked for and does
 * not carry (`undefined`, not null: an explicit null is a value, it clears). Nested objects are not
 * tracked: the rule is about the record's own fields.
 */
function tracked(raw: unknown, absent: Set<string>): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  return new Proxy(record, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !Object.hasOwn(target, key) && FIELD_NAME.test(key)) absent.add(key);
      return Reflect.get(target, key, receiver);
    },
  });
}

/**
 * Puts the row's references to the tracking view back to the record itself (a raw column keeps the
 * plain object, never the view), and marks the columns the absent fields feed: a NULL column named
 * after an absent field (`f`, or `f_*` for the money, range and rate expansions) or listed for it in
 * `feeds`.
 */
function settleRow(
  row: Row,
  view: unknown,
  raw: unknown,
  absent: ReadonlySet<string>,
  feeds: Readonly<Record<string, readonly string[]>> | undefined,
): void {
  const columns: string[] = [];
  for (const column in row) {
    const value = row[column];
    if (value === view && view !== raw) row[column] = raw;
    else if (value === null && absent.size > 0) {
      for (const field of absent) {
        if (column === field || column.startsWith(`${field}_`) || feeds?.[field]?.includes(column)) {
          columns.push(column);
          break;
        }
      }
    }
  }
  if (columns.length > 0) (row as RowWithAbsent)[ABSENT_COLUMNS] = columns;
}

function rejection(reason: string, detail: string, raw: unknown, recordKey: string | null): RejectedRecord {
  return { reason, detail, raw, recordKey };
}

function safeKey<T extends string>(spec: StreamSpec<T>, raw: unknown): string | null {
  try {
    const k = spec.keyOf(raw);
    return k === null ? null : k.slice(0, 200);
  } catch {
    return null;
  }
}

/** The record's stored-row key, or null when any part of it is not a readable id. */
function storedKey<T extends string>(
  spec: StreamSpec<T>,
  raw: unknown,
  ctx: NormalizeContext,
): StoredRowsKey | null {
  if (!spec.stored) return null;
  try {
    const parts = spec.stored.key(raw, ctx);
    if (parts === null) return null;
    const key: Record<string, string> = {};
    for (const [column, value] of Object.entries(parts)) {
      const id = parseId(value, column);
      if (id === null) return null;
      key[column] = id;
    }
    return { tables: [...spec.stored.tables], key };
  } catch {
    // An id of the wrong type or absurd size: the key is unknown, never guessed.
    return null;
  }
}

function checkContext(ctx: NormalizeContext, scopeKeys: readonly string[]): RecordRejection | null {
  if (typeof ctx?.ownerId !== 'string' || ctx.ownerId === '') {
    return new RecordRejection(
      'bad_context:owner_id',
      'the sync passed no owner id (shop, creator or partner)',
    );
  }
  if (!(ctx.now instanceof Date) || Number.isNaN(ctx.now.getTime())) {
    return new RecordRejection('bad_context:now', 'the sync passed no valid clock reading');
  }
  for (const k of scopeKeys) {
    const v = ctx.scope?.[k];
    if (typeof v !== 'string' || v === '') {
      return new RecordRejection(`bad_context:scope.${k}`, `the sync passed no scope.${k} for this stream`);
    }
  }
  return null;
}

/** Checks that apply to any record before its fields are read. */
function guardRecord(raw: unknown): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(raw);
  } catch (err) {
    throw new RecordRejection(
      'unserializable',
      `record cannot be serialized as JSON: ${String(err).slice(0, 200)}`,
    );
  }
  if (json === undefined) throw new RecordRejection('wrong_type:record', 'record is not JSON');
  // Cheap upper bound first: a UTF-16 string of n units encodes to at most 3n UTF-8 bytes.
  if (json.length * 3 > MAX_RECORD_BYTES) {
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_RECORD_BYTES) {
      throw new RecordRejection('record_too_large', `record of ${bytes} bytes exceeds 1 MiB`);
    }
  }
  // Postgres text and jsonb cannot hold U+0000, and jsonb refuses an unpaired surrogate escape; one such
  // record would fail the whole page's transaction. JSON.stringify escapes exactly these as a backslash-u escape
  // (paired surrogates are emitted as is), so an escape not itself escaped by a backslash finds them.
  if (NUL_ESCAPE.test(json)) {
    throw new RecordRejection('bad_unicode', 'record contains U+0000, which Postgres cannot store');
  }
  if (LONE_SURROGATE_ESCAPE.test(json)) {
    throw new RecordRejection(
      'bad_unicode',
      'record contains an unpaired UTF-16 surrogate (invalid Unicode)',
    );
  }
}

const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;
