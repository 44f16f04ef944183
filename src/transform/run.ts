/**
 * The per-record loop every normalizer shares: guards that apply to any record (JSON object, size,
 * characters Postgres cannot store), then the stream's own mapping; a failing record becomes a
 * RejectedRecord and the rest of the page goes on (ARCHITECTURE.md invariant 6). Never throws.
 */
import { RecordRejection } from './errors.ts';
import type { EnumTally } from './reader.ts';
import type { NormalizeContext, NormalizeResult, RejectedRecord } from './types.ts';

export type Row = Record<string, unknown>;
export type RowsOf<T extends string> = Record<T, Row[]>;

/** A whole record above this size is absurd for this API (the largest documented objects are a few KB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface StreamSpec<T extends string> {
  /** Table export names this stream fills (all present in the result, possibly empty). */
  tables: readonly T[];
  /** Scope keys the stream needs in ctx.scope (e.g. campaign_id). */
  scopeKeys?: readonly string[];
  /** Best-effort record identifier for the quarantine row. */
  keyOf(raw: unknown): string | null;
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
    if (contextProblem) {
      result.rejected.push(rejection(contextProblem.reason, contextProblem.detail, raw, key));
      continue;
    }
    const tally: EnumTally = {};
    try {
      guardRecord(raw);
      const out = spec.map(raw, ctx, tally);
      for (const t of spec.tables) {
        const produced = out[t];
        if (produced) for (const row of produced) rows[t].push(row);
      }
      for (const [k, n] of Object.entries(tally)) result.unknownEnums[k] = (result.unknownEnums[k] ?? 0) + n;
    } catch (err) {
      if (err instanceof RecordRejection) result.rejected.push(rejection(err.reason, err.detail, raw, key));
      else {
        // A bug in a mapping must not abort the page either; the record is kept for replay.
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        result.rejected.push(rejection('internal_error', message.slice(0, 500), raw, key));
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
