/**
 * The per-record loop every normalizer shares: guards that apply to any record (JSON object, size,
 * characters Postgres cannot store), then the stream's record contract (contract.ts), then the
 * stream's own mapping; a failing record becomes a RejectedRecord and the rest of the page goes on.
 * Never throws.
 */
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
      const out = spec.map(raw, ctx, tally);
      for (const t of spec.tables) {
        const produced = out[t];
        if (produced) for (const row of produced) rows[t].push(row);
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
