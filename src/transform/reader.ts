/**
 * A typed view over one raw API object: every getter decodes one field with the rules of
 * parse-values.ts / parse-money.ts and names the field by its path in rejection reasons.
 * Unknown enum values are counted on the shared `EnumTally` (`path=VALUE` -> n).
 */
import { preview, reject } from './errors.ts';
import { parseMoneyAmount } from './parse-money.ts';
import {
  MAX_FIELD_BYTES,
  parseBool,
  parseBps,
  parseCount,
  parseEnum,
  parseEpoch,
  parseId,
  parseText,
  requireId,
} from './parse-values.ts';

export type JsonObject = Record<string, unknown>;
export type EnumTally = Record<string, number>;

export interface Money {
  amount: string | null;
  currency: string | null;
}
export interface PriceRange {
  min: string | null;
  max: string | null;
  currency: string | null;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Reader {
  constructor(
    readonly obj: JsonObject,
    readonly path: string,
    private readonly tally: EnumTally,
  ) {}

  static of(v: unknown, path: string, tally: EnumTally): Reader {
    if (!isObject(v)) reject(`wrong_type:${path || 'record'}`, `expected a JSON object, got ${preview(v)}`);
    return new Reader(v, path, tally);
  }

  private at(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }

  has(field: string): boolean {
    const v = this.obj[field];
    return v !== undefined && v !== null;
  }

  /** A nested object, or null when absent. */
  child(field: string): Reader | null {
    const v = this.obj[field];
    if (v === undefined || v === null) return null;
    return Reader.of(v, this.at(field), this.tally);
  }

  /** A nested array (absent -> null); its items are left to the caller. */
  array(field: string): unknown[] | null {
    const v = this.obj[field];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) reject(`wrong_type:${this.at(field)}`, `expected an array, got ${preview(v)}`);
    return v;
  }

  id(field: string): string | null {
    return parseId(this.obj[field], this.at(field));
  }
  requireId(field: string): string {
    return requireId(this.obj[field], this.at(field));
  }
  text(field: string): string | null {
    return parseText(this.obj[field], this.at(field));
  }
  count(field: string): number | null {
    return parseCount(this.obj[field], this.at(field));
  }
  bps(field: string): number | null {
    return parseBps(this.obj[field], this.at(field));
  }
  time(field: string): Date | null {
    return parseEpoch(this.obj[field], this.at(field));
  }
  bool(field: string): boolean | null {
    return parseBool(this.obj[field], this.at(field));
  }

  enumOf(field: string, known: readonly string[]): string | null {
    const path = this.at(field);
    return parseEnum(this.obj[field], path, known, (value) => this.countUnknown(path, value));
  }

  private countUnknown(path: string, value: string): void {
    const key = `${path.replace(/\[\d+\]/g, '[]')}=${value}`;
    this.tally[key] = (this.tally[key] ?? 0) + 1;
  }

  /**
   * A JSON sub-document kept as is for a jsonb column (bounded in size). Its shape is part of the
   * call: a present value of another JSON type (an object that arrives as a JSON string, a list as
   * an object) is rejected, never stored as if it were the document.
   */
  json(field: string, shape: 'object' | 'list'): unknown {
    const v = this.obj[field];
    if (v === undefined || v === null) return null;
    const ok = shape === 'list' ? Array.isArray(v) : isObject(v);
    if (!ok) reject(`wrong_type:${this.at(field)}`, `expected a JSON ${shape}, got ${preview(v)}`);
    const bytes = Buffer.byteLength(JSON.stringify(v), 'utf8');
    if (bytes > MAX_FIELD_BYTES)
      reject(`too_large:${this.at(field)}`, `field of ${bytes} bytes exceeds 64 KiB`);
    return v;
  }

  /** An array of strings (e.g. target_seller_types); with `known`, each item is an enum value. */
  textArray(field: string, known?: readonly string[]): string[] | null {
    const items = this.array(field);
    if (items === null) return null;
    const base = this.at(field);
    return items.map((v, i) => {
      const p = `${base}[${i}]`;
      const s = known
        ? parseEnum(v, p, known, (value) => this.countUnknown(`${base}[]`, value))
        : parseText(v, p);
      if (s === null) reject(`wrong_type:${p}`, 'null or empty item in a list of strings');
      return s;
    });
  }

  /**
   * `{amount, currency}` (docs/tiktok-api.md#field-conventions). Absent object -> both null. A present object with a null or
   * missing amount -> null amount; an amount present but unparseable -> rejection, never zero.
   */
  money(field: string): Money {
    const m = this.child(field);
    if (m === null) return { amount: null, currency: null };
    return m.moneyHere('amount', 'currency');
  }

  /** Reads `amountField` + `currencyField` of THIS object as one money value. */
  moneyHere(amountField: string, currencyField: string): Money {
    const currency = this.currency(currencyField);
    const raw = this.obj[amountField];
    if (raw === undefined || raw === null) return { amount: null, currency };
    const parsed = parseMoneyAmount(raw, currency);
    if (!parsed.ok) reject(`bad_money:${this.at(amountField)}`, parsed.why);
    return { amount: parsed.value, currency };
  }

  /** `{currency, minimum_amount, maximum_amount}` (docs/tiktok-api.md#field-conventions). */
  priceRange(field: string): PriceRange {
    const r = this.child(field);
    if (r === null) return { min: null, max: null, currency: null };
    return r.priceRangeHere();
  }

  priceRangeHere(): PriceRange {
    const min = this.moneyHere('minimum_amount', 'currency');
    const max = this.moneyHere('maximum_amount', 'currency');
    return { min: min.amount, max: max.amount, currency: min.currency };
  }

  private currency(field: string): string | null {
    const c = this.text(field);
    if (c === null || c === '') return null;
    if (c.length > 16) reject(`bad_money:${this.at(field)}`, `currency code ${preview(c)} is not a currency`);
    return c;
  }
}
