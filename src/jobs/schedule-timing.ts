/**
 * When a scheduled (connection, stream) comes due: pure functions of its rule, its identity and an
 * instant (no clock, no I/O).
 *
 * Interval rules are spread: each pair runs at a fixed phase inside its interval, derived from a
 * stable hash of (connection, stream). Thousands of pairs on the same interval therefore come due one
 * after the other across the interval instead of in one burst, and a pair keeps its phase across
 * worker restarts, deploys and rule changes of other pairs. Cron rules run at the times they name.
 */
import type { StreamName } from '../core/streams.ts';

export type ScheduleTimingRule = { everyMs: number; cron: null } | { everyMs: null; cron: string };

/** 32-bit FNV-1a of `connectionId/stream`: stable across processes and versions of Node. */
export function pairHash(connectionId: number, stream: StreamName): number {
  let h = 0x811c9dc5;
  const text = `${connectionId}/${stream}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The pair's phase inside an interval: 0 <= offset < everyMs, whole seconds when it can be. */
export function pairOffsetMs(connectionId: number, stream: StreamName, everyMs: number): number {
  const unit = everyMs >= 60_000 ? 1_000 : 1;
  const slots = Math.max(1, Math.floor(everyMs / unit));
  return (pairHash(connectionId, stream) % slots) * unit;
}

/** The first instant after `afterMs` (strictly) that is `offsetMs` plus a whole number of intervals. */
export function nextIntervalSlot(everyMs: number, offsetMs: number, afterMs: number): number {
  const k = Math.floor((afterMs - offsetMs) / everyMs) + 1;
  return offsetMs + k * everyMs;
}

/** The next due instant of a pair, strictly after `afterMs`. */
export function nextRunAfter(
  rule: ScheduleTimingRule,
  pair: { connectionId: number; stream: StreamName },
  afterMs: number,
): number {
  if (rule.cron !== null) return nextCronTime(parseCron(rule.cron), afterMs);
  return nextIntervalSlot(rule.everyMs, pairOffsetMs(pair.connectionId, pair.stream, rule.everyMs), afterMs);
}

// --- cron (UTC): the grammar `schedule set --cron` accepts (5 fields, or 6 with seconds first) ---

export class CronRuleError extends Error {
  override readonly name = 'CronRuleError';
}

export interface CronSpec {
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday (7 is folded into 0). */
  daysOfWeek: ReadonlySet<number>;
  /** Whether each day field was restricted: standard cron matches EITHER day field when both are. */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names?: readonly string[], nameBase = 0) {
  const out = new Set<number>();
  const value = (token: string): number => {
    if (/^\d+$/.test(token)) return Number(token);
    const i = names?.indexOf(token.toUpperCase()) ?? -1;
    if (i < 0) throw new CronRuleError(`"${token}" is not a value between ${min} and ${max}`);
    return i + nameBase;
  };
  for (const part of text.split(',')) {
    const [base = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronRuleError(`bad step in "${part}"`);
    let lo = min;
    let hi = max;
    if (base !== '*' && base !== '?') {
      const [a = '', b] = base.split('-');
      lo = value(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : value(b);
    }
    if (lo < min || hi > max || lo > hi) throw new CronRuleError(`"${part}" is out of ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expression: string): CronSpec {
  const text = expression.trim();
  const expanded = ALIASES[text.toLowerCase()] ?? text;
  const parts = expanded.split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6)
    throw new CronRuleError(`cron "${expression}" has ${parts.length} fields, not 5 or 6`);
  const [sec, min, hour, dom, mon, dow] = (parts.length === 6 ? parts : ['0', ...parts]) as string[] as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const daysOfWeek = new Set([...field(dow, 0, 7, DAYS)].map((d) => d % 7));
  return {
    seconds: field(sec, 0, 59),
    minutes: field(min, 0, 59),
    hours: field(hour, 0, 23),
    daysOfMonth: field(dom, 1, 31),
    months: field(mon, 1, 12, MONTHS, 1),
    daysOfWeek,
    domRestricted: dom !== '*' && dom !== '?',
    dowRestricted: dow !== '*' && dow !== '?',
  };
}

function dayMatches(spec: CronSpec, d: Date): boolean {
  const dom = spec.daysOfMonth.has(d.getUTCDate());
  const dow = spec.daysOfWeek.has(d.getUTCDay());
  if (spec.domRestricted && spec.dowRestricted) return dom || dow;
  return dom && dow;
}

/** First instant strictly after `afterMs` that the spec names (UTC); skips whole days and hours. */
export function nextCronTime(spec: CronSpec, afterMs: number): number {
  const d = new Date(Math.floor(afterMs / 1000) * 1000 + 1000);
  // Eight years bound a rule such as "Feb 29 on a Monday"; a rule matching nothing ends here.
  const limit = afterMs + 8 * 366 * 86_400_000;
  while (d.getTime() <= limit) {
    if (!spec.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(spec, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!spec.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!spec.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    if (!spec.seconds.has(d.getUTCSeconds())) {
      d.setUTCSeconds(d.getUTCSeconds() + 1, 0);
      continue;
    }
    return d.getTime();
  }
  throw new CronRuleError('the cron rule names no instant in the next eight years');
}
