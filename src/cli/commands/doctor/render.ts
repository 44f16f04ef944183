/** `affiliate-etl doctor` output: one line per check, its verdict, and what to do. */
import type { Check } from './checks.ts';

const MARK: Record<Check['verdict'], string> = { ok: ' ok ', warn: 'warn', FAIL: 'FAIL' };

export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length), 8);
  const lines = checks.map((c) => {
    const head = `[${MARK[c.verdict]}] ${c.name.padEnd(width)}  ${c.detail}`;
    return c.fix ? `${head}\n${' '.repeat(width + 9)}-> ${c.fix}` : head;
  });
  const fails = checks.filter((c) => c.verdict === 'FAIL').length;
  const warns = checks.filter((c) => c.verdict === 'warn').length;
  const summary =
    fails > 0
      ? `${fails} check${fails === 1 ? '' : 's'} failed, ${warns} warning${warns === 1 ? '' : 's'}: fix the FAIL lines above.`
      : warns > 0
        ? `All checks passed with ${warns} warning${warns === 1 ? '' : 's'}.`
        : 'All checks passed.';
  return `${lines.join('\n')}\n${summary}\n`;
}
