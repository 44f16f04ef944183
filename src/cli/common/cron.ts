/**
 * Cron validation for `schedule set --cron`. The worker hands the pattern to BullMQ's Job Scheduler,
 * which parses it with cron-parser 4 (5 fields, or 6 with seconds first; `@hourly`-style aliases).
 * Checking here, before the row is stored, means a typo is a usage error at the keyboard instead of a
 * scheduler that silently never fires. The grammar accepted is the common subset: `*`, `?` (day
 * fields), numbers, names (JAN-DEC, SUN-SAT), ranges `a-b`, lists `a,b` and steps `x/n`.
 */

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** `?` is a synonym of `*` in the day fields only. */
  question?: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SECOND: FieldRule = { name: 'second', min: 0, max: 59 };
const FIVE_FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: DAYS, question: true },
];

export const CRON_ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** null when `expression` is valid, else what is wrong with it (one short phrase). */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (text.startsWith('@')) {
    return CRON_ALIASES[text.toLowerCase()]
      ? null
      : `unknown alias ${text} (use ${Object.keys(CRON_ALIASES).join(', ')})`;
  }
  const fields = text.split(/\s+/).filter((f) => f !== '');
  const rules = fields.length === 6 ? [SECOND, ...FIVE_FIELDS] : fields.length === 5 ? FIVE_FIELDS : null;
  if (!rules)
    return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5 (or 6 with seconds first)`;
  for (const [i, field] of fields.entries()) {
    const rule = rules[i] as FieldRule;
    const problem = fieldProblem(field, rule);
    if (problem) return `${rule.name} field "${field}": ${problem}`;
  }
  return null;
}

function fieldProblem(field: string, rule: FieldRule): string | null {
  for (const part of field.split(',')) {
    if (part === '') return 'empty list item';
    const problem = partProblem(part, rule);
    if (problem) return problem;
  }
  return null;
}

function partProblem(part: string, rule: FieldRule): string | null {
  const [base = '', step, extra] = part.split('/');
  if (extra !== undefined) return 'more than one "/"';
  if (step !== undefined && !/^\d+$/.test(step)) return `step "${step}" is not a number`;
  if (step !== undefined && Number(step) < 1) return 'step must be at least 1';
  if (base === '*' || (rule.question && base === '?')) return null;
  const bounds = base.split('-');
  if (bounds.length > 2) return `"${base}" is not a value or a range`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = fieldValue(bound, rule);
    if (value === null)
      return `"${bound}" is not a ${rule.name} (${rule.min}-${rule.max}${rule.names ? ` or ${rule.names[0]}-${rule.names.at(-1)}` : ''})`;
    values.push(value);
  }
  const [low, high] = values as [number, number | undefined];
  if (high !== undefined && low > high) return `range ${base} runs backwards`;
  return null;
}

function fieldValue(token: string, rule: FieldRule): number | null {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= rule.min && n <= rule.max ? n : null;
  }
  const index = rule.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index < 0) return null;
  return rule.names === MONTHS ? index + 1 : index;
}
