/**
 * Baseline of the loader benchmark: raw COPY (text format, one connection, one statement) into an
 * UNLOGGED twin of the target table (same columns, defaults, compression, indexes: LIKE .. INCLUDING ALL).
 * Timed from the JS rows, so it pays the same serialization a loader pays.
 */
import type postgres from 'postgres';
import { sellerOrderSkus } from '../src/load/schema/index.ts';
import { quoteIdent, tableShape } from '../src/load/table-shape.ts';

export async function copyBaseline(
  sql: postgres.Sql,
  rows: readonly Record<string, unknown>[],
): Promise<number> {
  const shape = tableShape(sellerOrderSkus);
  await sql.unsafe(`create unlogged table public.copy_twin (like ${shape.qualified} including all)`);
  const columns = [...shape.payload.map((c) => c.name), 'run_id'];
  const started = performance.now();
  const stream = await sql
    .unsafe(`copy public.copy_twin (${columns.map(quoteIdent).join(', ')}) from stdin`)
    .writable();
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  const chunk = 500;
  for (let i = 0; i < rows.length; i += chunk) {
    let text = '';
    for (const row of rows.slice(i, i + chunk)) {
      text += `${columns.map((c) => (c === 'run_id' ? '1' : copyValue(row[c]))).join('\t')}\n`;
    }
    if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await done;
  const ms = performance.now() - started;
  await sql.unsafe('drop table public.copy_twin');
  return ms;
}

function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
