/**
 * The chaos suite's verdict: the warehouse against the sandbox's ground truth, per stream and owner,
 * table by table: row counts, primary keys, every column of every row (the same normalizers and
 * canonical forms as test/e2e/truth.ts), and the exact sum of every numeric (money) column.
 *
 * A ground-truth row may be absent only when its record sits in quarantine with a reason (a hostile
 * record: not loaded, not lost). A row that is present must equal the ground truth: a good row a
 * hostile record damaged counts as a difference even if that record was also quarantined.
 */
import { Decimal } from 'decimal.js';
import type { StreamName } from '../../src/core/streams.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { ORDER_LINES } from '../../src/load/order-lines.ts';
import type { Db } from '../../src/load/db.ts';
import { tableShape } from '../../src/load/table-shape.ts';
import { tableByName } from '../../src/load/tables.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { canonical, expectedRows, STREAM_TABLES } from '../e2e/truth.ts';

const D = Decimal.clone({ toExpPos: 1000, toExpNeg: -1000 });
const SAMPLES = 5;

export interface TableVerdict {
  table: string;
  expected: number;
  actual: number;
  /** Rows compared column by column (present on both sides). */
  compared: number;
  /** Ground-truth rows absent from the warehouse whose record is quarantined with a reason. */
  quarantinedAbsent: number;
  missing: number;
  extra: number;
  /** Cells (row, column) that differ, outside the raw payload columns. */
  differentCells: number;
  /**
   * Raw payload cells (`raw`, `raw_*`) that differ: they keep the record as received, so a drifted
   * record leaves its drift there by design. Reported, not counted as differences.
   */
  rawOnlyCells: number;
  /**
   * Cells stored as NULL because the record as received lacked their optional field (its raw payload
   * misses a key the ground truth's has): the API may leave out a field it has emptied, so an absent
   * optional field clears the stored value by design. Reported, not counted as differences.
   */
  absentAsReceived: number;
  moneyColumns: number;
  moneyMismatches: { column: string; expected: string; actual: string }[];
  samples: string[];
}

export interface StreamVerdict {
  connectionId: number;
  stream: StreamName;
  owner: string;
  tables: TableVerdict[];
  differences: number;
}

export interface QuarantineEntry {
  recordKey: string | null;
  reason: string;
}

/** Quarantine of one (connection, stream): record key -> reasons. */
export async function quarantineOf(
  db: Db,
  connectionId: number,
  stream: StreamName,
): Promise<QuarantineEntry[]> {
  const rows = await db.sql<{ record_key: string | null; reason: string }[]>`
    select record_key, reason from etl.rejected_records where connection_id = ${connectionId} and stream = ${stream}`;
  return rows.map((r) => ({ recordKey: r.record_key, reason: r.reason }));
}

/** The as-received payload columns (the record whole, for audit and replay). */
export function isRawColumn(column: string): boolean {
  return column === 'raw' || column.startsWith('raw_');
}

/**
 * The fields the stored record lacks: top-level keys of a ground-truth raw payload column (`raw`,
 * `raw_*`) that the stored one does not have.
 */
function droppedFields(expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const column of Object.keys(expected)) {
    if (!isRawColumn(column)) continue;
    const e = expected[column];
    const a = actual[column];
    if (!isPlainObject(e) || !isPlainObject(a)) continue;
    for (const k of Object.keys(e)) if (!(k in a)) out.push(k);
  }
  return out;
}

/**
 * Whether field `f` of a record feeds `column`, by the warehouse's naming: the column is the field, an
 * expansion of it (`original_price` -> `original_price_min_amount`), or a member of a sub-object named
 * by the same first words (`seller_contact_info.email` -> `seller_contact_email`).
 */
function feeds(f: string, column: string): boolean {
  if (column === f || column.startsWith(`${f}_`)) return true;
  const words = f.split('_');
  if (words.length < 3) return false;
  const stem = words.slice(0, -1).join('_');
  return column.startsWith(`${stem}_`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyOf(row: Record<string, unknown>, pk: string[]): string {
  return pk.map((c) => String(canonical(row[c]))).join('|');
}

function sumOf(rows: Iterable<Record<string, unknown>>, column: string): string {
  let total = new D(0);
  for (const r of rows) {
    const v = r[column];
    if (v !== null && v !== undefined && v !== '') total = total.plus(new D(String(v)));
  }
  return total.toString();
}

/** The verdict of one (connection, stream, owner); the expected set is cut at the stream's watermark. */
export async function compareStream(
  db: Db,
  sandbox: Sandbox,
  input: { connectionId: number; stream: StreamName; owner: string; now: Date },
): Promise<StreamVerdict> {
  const { connectionId, stream, owner, now } = input;
  const state = (await listCheckpoints(db.sql, { connectionId, stream })).find((s) => s.scope === owner);
  const searchId = `default:${connectionId}`;
  const expected = await expectedRows(sandbox, stream, owner, {
    now,
    searchId,
    ...(state?.watermark ? { createdBefore: state.watermark } : {}),
  });
  const quarantine = await quarantineOf(db, connectionId, stream);
  const quarantinedKeys = new Map(
    quarantine
      .filter((q) => q.recordKey !== null && q.reason.trim() !== '')
      .map((q) => [q.recordKey!, q.reason]),
  );
  const tables: TableVerdict[] = [];
  for (const { table, scopeColumn } of STREAM_TABLES[stream]) {
    const shape = tableShape(tableByName(table));
    const scopeValue = scopeColumn === 'search_id' ? searchId : owner;
    const active = shape.snapshot ? ' and is_active' : '';
    // Daily history keeps earlier days on purpose: the ground truth is today's snapshot only.
    const today = table === 'campaignCreatorFulfillmentDaily' ? now.toISOString().slice(0, 10) : null;
    // Seller and creator orders keep their raw in a side table of the same key (src/load/order-raw.ts):
    // it is read back onto each order row, so a field the stored record lacks still explains a NULL
    // column of its order (absentAsReceived); the side table is compared on its own as well.
    const side = ORDER_LINES.find((spec) => spec.parent === table)?.raw;
    const actualRows = await db.sql.unsafe<Record<string, unknown>[]>(
      side
        ? `select t.*, r.raw from ${shape.qualified} t left join ${side.table} r using (${shape.primaryKey.join(', ')})
           where t."${scopeColumn}" = $1`
        : `select * from ${shape.qualified} where "${scopeColumn}" = $1${active}${today ? ' and snapshot_date = $2' : ''}`,
      today ? [scopeValue, today] : [scopeValue],
    );
    const expectedRaw = new Map(
      side ? (expected.get(side.child) ?? []).map((r) => [keyOf(r, shape.primaryKey), r['raw']]) : [],
    );
    const exp = new Map(
      (expected.get(table) ?? []).map((r) => {
        const key = keyOf(r, shape.primaryKey);
        return [key, side ? { ...r, raw: expectedRaw.get(key) ?? null } : r];
      }),
    );
    const act = new Map(actualRows.map((r) => [keyOf(r, shape.primaryKey), r]));
    const v: TableVerdict = {
      table,
      expected: exp.size,
      actual: act.size,
      compared: 0,
      quarantinedAbsent: 0,
      missing: 0,
      extra: 0,
      differentCells: 0,
      rawOnlyCells: 0,
      absentAsReceived: 0,
      moneyColumns: 0,
      moneyMismatches: [],
      samples: [],
    };
    const sample = (line: string) => {
      if (v.samples.length < SAMPLES) v.samples.push(line);
    };
    const accounted = new Map<string, Record<string, unknown>>();
    for (const [key, e] of exp) {
      const a = act.get(key);
      if (!a) {
        const hit = shape.primaryKey
          .map((c) => String(e[c] ?? ''))
          .find((value) => quarantinedKeys.has(value));
        if (hit !== undefined) v.quarantinedAbsent++;
        else {
          v.missing++;
          sample(`missing ${key}`);
        }
        continue;
      }
      v.compared++;
      const dropped = droppedFields(e, a);
      const asReceived: Record<string, unknown> = { ...e };
      accounted.set(key, asReceived);
      for (const column of Object.keys(e)) {
        const ce = JSON.stringify(canonical(e[column]));
        const ca = JSON.stringify(canonical(a[column]));
        if (ce === ca) continue;
        if (isRawColumn(column)) v.rawOnlyCells++;
        else if (a[column] === null && dropped.some((f) => feeds(f, column))) {
          v.absentAsReceived++;
          asReceived[column] = null;
        } else {
          v.differentCells++;
          sample(`different ${key} ${column}: expected ${ce}, got ${ca}`);
        }
      }
    }
    for (const key of act.keys()) {
      if (!exp.has(key)) {
        v.extra++;
        sample(`extra ${key}`);
      }
    }
    // Exact money sums over the rows both sides should hold (quarantined-absent rows excluded from
    // the expectation, every warehouse row of the scope on the other side).
    for (const column of shape.business.filter((c) => c.sqlType.startsWith('numeric'))) {
      v.moneyColumns++;
      const e = sumOf(accounted.values(), column.name);
      const a = sumOf(act.values(), column.name);
      if (e !== a) v.moneyMismatches.push({ column: column.name, expected: e, actual: a });
    }
    tables.push(v);
  }
  const differences = tables.reduce(
    (n, t) => n + t.missing + t.extra + t.differentCells + t.moneyMismatches.length,
    0,
  );
  return { connectionId, stream, owner, tables, differences };
}
