/**
 * Record contracts: per stream, the fields a record MUST carry (and their type or shape) to be
 * loaded at all, declared once beside each normalizer and checked by the shared runner (run.ts)
 * before any row is produced. A record that breaks its contract is quarantined with the field and
 * the fault (`missing_field:create_time`, `wrong_type:skus`, `empty_list:skus`...) and changes no
 * stored row.
 *
 * Why a contract and not just lenient getters: every response field of this API is formally
 * optional, so the getters read an absent field as NULL. For the fields that carry a record's
 * identity or its state (an order's status, create time and lines; a fulfillment row's counters),
 * a NULL is not "unknown" but a corruption: loaded, it would overwrite the good value already
 * stored, and past the maturity horizon nothing re-reads the record to repair it. Fields outside
 * the contract stay optional: absent or null is stored as NULL.
 *
 * An OPTIONAL field may be absent, never wrong: present with another type (a drifted object sent as
 * a JSON string, a count as an object) it rejects the record like a required one would
 * (`wrong_type:contact_info`), because storing it would replace the good stored value with garbage.
 * Contracts declare the optional fields whose type the getters alone would not hold (every JSON
 * sub-document kept as jsonb, which the reader also checks against its declared shape).
 *
 * The same declarations render the "Record contracts" section of the data dictionary, so the
 * documentation cannot drift from what is enforced.
 */
import { preview, reject } from './errors.ts';
import {
  MAX_FIELD_BYTES,
  MAX_ID_BYTES,
  parseBool,
  parseBps,
  parseCount,
  parseEnum,
  parseEpoch,
  parseId,
  parseText,
} from './parse-values.ts';
import { isObject, type JsonObject, Reader } from './reader.ts';

export type FieldKind =
  | 'id'
  | 'text'
  | 'enum'
  | 'count'
  | 'bps'
  | 'epoch'
  | 'money'
  | 'bool'
  | 'object'
  | 'list'
  /** One object or a list of objects, read alike (TAP order `skus`: documented as one object). */
  | 'objects';

export interface FieldRule {
  field: string;
  kind: FieldKind;
  /** Required: absent, null, empty text or (epoch) 0 rejects the record. Optional: checked for type only. */
  required: boolean;
  /** list / objects: at least one item (an order without lines is not an order). */
  nonEmpty?: boolean;
  /** object: the rules of its fields; list / objects: the rules of each item (items must then be objects). */
  fields?: readonly FieldRule[];
  /** Why the field is required (or why an optional one may be absent), for the data dictionary. */
  note?: string;
}

export interface RecordContract {
  /** What one record is, in words (e.g. "one order of data.orders[]"). */
  record: string;
  fields: readonly FieldRule[];
}

/** A whole record above this size is absurd for this API (the largest documented objects are a few KB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** The size bounds every record is held to, whatever its stream (rendered in the data dictionary). */
export const RECORD_BOUNDS: readonly { what: string; bound: string; reason: string }[] = [
  {
    what: 'whole record (UTF-8 JSON)',
    bound: `${MAX_RECORD_BYTES / 1024 / 1024} MiB`,
    reason: 'record_too_large',
  },
  { what: 'one text field', bound: `${MAX_FIELD_BYTES / 1024} KiB`, reason: 'too_large:<field>' },
  { what: 'one id or enum value', bound: `${MAX_ID_BYTES} bytes`, reason: 'too_large:<field>' },
  {
    what: 'one JSON sub-document kept as jsonb',
    bound: `${MAX_FIELD_BYTES / 1024} KiB`,
    reason: 'too_large:<field>',
  },
];

const NO_ENUM: readonly string[] = [];

function at(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

/** "absent", "null", "empty" or "0": how a required value failed, for the quarantine detail. */
function emptiness(v: unknown): string {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (v === '') return 'an empty string';
  return `${preview(v)}, which means "not set"`;
}

function missing(path: string, v: unknown, note?: string): never {
  return reject(
    `missing_field:${path}`,
    `required field ${path} is ${emptiness(v)}${note ? ` (${note})` : ''}`,
  );
}

/** Decodes one value with the same parser the normalizers use; null means "not set". */
function decode(rule: FieldRule, v: unknown, path: string): unknown {
  switch (rule.kind) {
    case 'id':
      return parseId(v, path);
    case 'text':
      return parseText(v, path) || null;
    case 'enum':
      return parseEnum(v, path, NO_ENUM, () => {});
    case 'count':
      return parseCount(v, path);
    case 'bps':
      return parseBps(v, path);
    case 'epoch':
      return parseEpoch(v, path);
    case 'bool':
      return parseBool(v, path);
    case 'money': {
      if (v === undefined || v === null) return null;
      if (!isObject(v)) reject(`wrong_type:${path}`, `expected {amount, currency}, got ${preview(v)}`);
      const money = Reader.of(v, path, {}).moneyHere('amount', 'currency');
      if (!rule.required) return money;
      if (money.amount === null) missing(`${path}.amount`, v['amount'], rule.note);
      if (money.currency === null) missing(`${path}.currency`, v['currency'], rule.note);
      return money;
    }
    case 'object':
      if (v === undefined || v === null) return null;
      if (!isObject(v)) reject(`wrong_type:${path}`, `expected a JSON object, got ${preview(v)}`);
      checkFields(v, rule.fields ?? [], path);
      return v;
    case 'objects':
      if (v === undefined || v === null) return null;
      if (isObject(v)) {
        checkFields(v, rule.fields ?? [], path);
        return v;
      }
      if (!Array.isArray(v)) reject(`wrong_type:${path}`, `expected an object or a list, got ${preview(v)}`);
      return decode({ ...rule, kind: 'list' }, v, path);
    case 'list':
      if (v === undefined || v === null) return null;
      if (!Array.isArray(v)) reject(`wrong_type:${path}`, `expected a list, got ${preview(v)}`);
      if (rule.nonEmpty && v.length === 0) {
        reject(`empty_list:${path}`, `${path} is an empty list${rule.note ? ` (${rule.note})` : ''}`);
      }
      if (rule.fields) {
        v.forEach((item, i) => {
          const p = `${path}[${i}]`;
          if (!isObject(item)) reject(`wrong_type:${p}`, `expected a JSON object, got ${preview(item)}`);
          checkFields(item, rule.fields ?? [], p);
        });
      }
      return v;
  }
}

function checkFields(obj: JsonObject, rules: readonly FieldRule[], path: string): void {
  for (const rule of rules) {
    const p = at(path, rule.field);
    const v = obj[rule.field];
    const value = decode(rule, v, p);
    if (rule.required && value === null) missing(p, v, rule.note);
  }
}

/** Throws a RecordRejection naming the first field of `raw` that breaks `contract`. */
export function checkContract(contract: RecordContract, raw: unknown): void {
  if (!isObject(raw)) reject('wrong_type:record', `expected a JSON object, got ${preview(raw)}`);
  checkFields(raw, contract.fields, '');
}

/** One line per declared field (nested fields flattened as `skus[].price`), for documentation. */
export function contractLines(
  contract: RecordContract,
): { path: string; kind: FieldKind; required: boolean; nonEmpty: boolean; note: string }[] {
  const out: ReturnType<typeof contractLines> = [];
  const walk = (rules: readonly FieldRule[], prefix: string) => {
    for (const r of rules) {
      const path = at(prefix, r.field);
      out.push({
        path,
        kind: r.kind,
        required: r.required,
        nonEmpty: r.nonEmpty ?? false,
        note: r.note ?? '',
      });
      if (r.fields) walk(r.fields, r.kind === 'list' || r.kind === 'objects' ? `${path}[]` : path);
    }
  };
  walk(contract.fields, '');
  return out;
}
