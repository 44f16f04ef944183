/**
 * Baseline of the loader benchmark: raw COPY (text format, one connection) into an UNLOGGED twin of
 * the target table (same columns, defaults, compression, indexes: LIKE .. INCLUDING ALL). Timed from
 * the JS rows, so it pays the same serialization a loader pays.
 */
import type postgres from 'postgres';
import type { PgTable } from 'drizzle-orm/pg-core';
import { quoteIdent, tableShape } from '../src/load/table-shape.ts';

export interface CopyTwin {
  /** COPYs the rows in one statement; returns the elapsed ms. */
  copy(rows: readonly Record<string, unknown>[]): Promise<number>;
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

export async function copyTwin(sql: postgres.Sql, table: PgTable): Promise<CopyTwin> {
  const shape = tableShape(table);
  const twin = `public.${quoteIdent(`copy_twin_${shape.name}`)}`;
  await sql.unsafe(`create unlogged table ${twin} (like ${shape.qualified} including all)`);
  const columns = [...shape.payload.map((c) => c.name), 'run_id'];
  const statement = `copy ${twin} (${columns.map(quoteIdent).join(', ')}) from stdin`;
  return {
    async copy(rows) {
      const started = performance.now();
      const stream = await sql.unsafe(statement).writable();
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      for (let i = 0; i < rows.length; i += 500) {
        let text = '';
        for (const row of rows.slice(i, i + 500)) {
          text += `${columns.map((c) => (c === 'run_id' ? '1' : copyValue(row[c]))).join('\t')}\n`;
        }
        if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
      }
      stream.end();
      await done;
      return performance.now() - started;
    },
    truncate: async () => {
      await sql.unsafe(`truncate ${twin}`);
    },
    drop: async () => {
      await sql.unsafe(`drop table if exists ${twin}`);
    },
  };
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
