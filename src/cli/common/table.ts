/**
 * Summary tables (cli-table3). Interactive terminals get box-drawing borders; pipes, cron mail and
 * CI logs get plain ASCII, no colour codes, so the output greps and diffs cleanly.
 */
import Table from 'cli-table3';

export type Cell = string | number | null | undefined;

export interface TableOptions {
  plain: boolean;
  /** Columns (by index) aligned right: counts and durations. */
  numeric?: readonly number[];
}

const ASCII_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  right: '|',
  middle: '|',
};

/** No separator line between body rows: denser tables, one line per run. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function renderTable(
  head: readonly string[],
  rows: readonly (readonly Cell[])[],
  opts: TableOptions,
): string {
  const numeric = new Set(opts.numeric ?? []);
  const table = new Table({
    head: [...head],
    style: { head: opts.plain ? [] : ['cyan'], border: opts.plain ? [] : ['grey'] },
    colAligns: head.map((_, i) => (numeric.has(i) ? 'right' : 'left')),
    chars: opts.plain ? { ...ASCII_CHARS, ...COMPACT } : COMPACT,
  });
  for (const row of rows) table.push(row.map(cellText));
  return `${table.toString()}\n`;
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined || cell === '') return '-';
  return typeof cell === 'number' ? cell.toLocaleString('en-US') : cell;
}
