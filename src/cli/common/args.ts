/**
 * Argument parsers for the operator commands. Each throws commander's InvalidArgumentError, which
 * the CLI turns into exit code 2 with a message that says what a good value looks like (README.md#commands:
 * "bad usage ... message says what to fix").
 */
import { InvalidArgumentError } from 'commander';
import {
  CONNECTION_KINDS,
  type ConnectionKind,
  isStreamName,
  STREAMS,
  type StreamName,
} from '../../core/streams.ts';
import { cronProblem } from './cron.ts';

/** Commander's collector for repeatable options (`--stream a --stream b`). */
export function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

export function parseStream(value: string): StreamName {
  const name = value.trim();
  if (isStreamName(name)) return name;
  throw new InvalidArgumentError(`unknown stream "${value}"; expected one of: ${STREAMS.join(', ')}.`);
}

export function parseKind(value: string): ConnectionKind {
  const kind = value.trim().toLowerCase();
  if ((CONNECTION_KINDS as readonly string[]).includes(kind)) return kind as ConnectionKind;
  throw new InvalidArgumentError(`unknown connection kind "${value}"; expected seller, creator or partner.`);
}

/** Connection ids are the positive integers `connections list` shows. */
export function parseConnectionId(value: string): number {
  const text = value.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) {
    throw new InvalidArgumentError(
      `"${value}" is not a connection id; use a number from \`affiliate-etl connections list\`.`,
    );
  }
  return n;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MIN_EVERY_MS = 60_000;
const MAX_EVERY_MS = 30 * 86_400_000;

/**
 * `15m`, `1h`, `6h`, `1h30m`, `2d`, `90s` -> milliseconds. At least one minute (the API's rate budget
 * is better spent on data than on empty polls) and at most 30 days.
 */
export function parseDuration(value: string): number {
  const text = value.trim().toLowerCase();
  const parts = [...text.matchAll(/(\d+)\s*([smhd])/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed.replace(/\s+/g, '') !== text.replace(/\s+/g, '')) {
    throw new InvalidArgumentError(`"${value}" is not a duration; write it like 15m, 1h, 6h, 1h30m or 1d.`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? 0), 0);
  if (ms < MIN_EVERY_MS || ms > MAX_EVERY_MS) {
    throw new InvalidArgumentError(`"${value}" is out of range; use an interval from 1m to 30d.`);
  }
  return ms;
}

export function parseCron(value: string): string {
  const expression = value.trim().replace(/\s+/g, ' ');
  const problem = cronProblem(expression);
  if (problem) {
    throw new InvalidArgumentError(
      `"${value}" is not a valid cron expression: ${problem}. Use 5 fields (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *" or "0 3 * * *".`,
    );
  }
  return expression;
}

/**
 * A calendar date `2024-01-31` (UTC midnight) or an ISO instant with a zone (`2024-01-31T12:00:00Z`).
 * Instants without a zone are refused: the operator's local zone must never leak into a backfill range.
 */
export function parseDate(value: string): Date {
  const text = value.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  if (!dateOnly && !instant) {
    throw new InvalidArgumentError(
      `"${value}" is not a date; use YYYY-MM-DD (UTC) or an ISO instant like 2024-01-31T12:00:00Z.`,
    );
  }
  const date = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  const valid = !Number.isNaN(date.getTime());
  // `new Date('2023-02-29')` rolls over to March 1st: a date that does not print back is not real.
  if (!valid || (dateOnly && date.toISOString().slice(0, 10) !== text)) {
    throw new InvalidArgumentError(`"${value}" is not a real calendar date.`);
  }
  return date;
}

/**
 * Token expiries are absolute epoch seconds (docs/tiktok-api.md#token-response: `*_expire_in` is a timestamp, not a TTL).
 * Milliseconds (13 digits) are accepted and converted, since that is what a JS `Date.now()` prints.
 */
export function parseEpochSeconds(value: string): number {
  const text = value.trim();
  if (!/^\d{9,13}$/.test(text)) {
    throw new InvalidArgumentError(
      `"${value}" is not an epoch timestamp; give the absolute expiry in Unix seconds, e.g. ${Math.floor(Date.now() / 1000) + 7 * 86_400}.`,
    );
  }
  const n = Number(text);
  return n > 1e12 ? Math.floor(n / 1000) : n;
}

/** A non-empty single-line value (names, keys). */
export function parseText(label: string): (value: string) => string {
  return (value) => {
    const text = value.trim();
    if (text === '' || /[\r\n]/.test(text))
      throw new InvalidArgumentError(`${label} must be a non-empty single line.`);
    return text;
  };
}
