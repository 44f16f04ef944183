/**
 * Builds the one set-based statement that upserts a batch into a table (CONTRIBUTING.md#the-schema-is-the-source-of-truth, 9).
 *
 * The whole batch travels as ONE text parameter: one line per row, each row a JSON array of its
 * values in the table's column order (upsert.ts rowJson; JSON.stringify never emits a raw newline).
 * So the 65,535 bind-parameter limit can never be hit whatever the batch size or column count, and
 * the statement text depends only on the table (prepared once per connection). Measured here:
 * positional rows beat json_to_recordset by ~40 % (no per-row key names, `raw` parsed once instead
 * of three times), and parsing each line as its own small jsonb beat one jsonb array of the whole
 * batch by another ~35 %. The batch is split with unnest(string_to_array(..)) rather than
 * string_to_table: the planner then knows how many rows it holds (string_to_table is always
 * estimated at 1,000), so the joins below are planned for a page, not for a thousand rows.
 *
 * Shape:
 *   input    -- the batch, typed by the table's own column types
 *   changed  -- rows that are new or whose business columns differ (IS DISTINCT FROM, NULL-safe);
 *               unchanged rows never reach the INSERT, so they take no row lock and write nothing
 *   upserted -- INSERT .. ON CONFLICT DO UPDATE of the changed rows only (the WHERE repeats the
 *               comparison so a concurrent writer between the two steps cannot cause a no-op update)
 * The row_hash of a shipped row that turned out unchanged, and the snapshot stamp of unchanged rows,
 * are statements of their own, planned for each page (row-hash.ts refreshHashes, touchSeen): as a
 * CTE here, the hash refresh was an UPDATE .. FROM joined by the planner, and the plan cached for
 * this prepared statement while the table was empty scanned the whole table on every page.
 */
import { HASH_COLUMN, quoteIdent, type TableShape } from './table-shape.ts';

export interface UpsertStatement {
  text: string;
  /** $1 batch (one positional JSON row per line), $2 run id (bigint or null), $3 synced_at (timestamptz or null = now()). */
  params: 3;
}

const built = new WeakMap<TableShape, UpsertStatement>();
/** Column of `changed`: no stored row had the key when the page was compared. */
const NEW_FLAG = '"__is_new"';

export function upsertStatement(shape: TableShape): UpsertStatement {
  const hit = built.get(shape);
  if (hit) return hit;
  const q = quoteIdent;
  const hash = shape.hasRowHash ? q(HASH_COLUMN) : null;
  const payload = shape.payload.map((c) => q(c.name));
  const shipped = hash ? [...payload, hash] : payload;
  const extract = [
    ...shape.payload.map((c, i) => `${fromPosition(c.sqlType, i)} as ${q(c.name)}`),
    ...(hash ? [`(r->>${shape.payload.length})::text as ${hash}`] : []),
  ];
  const pkJoin = shape.primaryKey.map((k) => `t.${q(k)} = i.${q(k)}`).join(' and ');
  const firstPk = q(shape.primaryKey[0]!);
  const business = shape.business.map((c) => q(c.name));
  const distinct = (left: string, right: string) =>
    business.length === 0
      ? 'false'
      : `(${business.map((b) => `${left}.${b}`).join(', ')}) is distinct from (${business
          .map((b) => `${right}.${b}`)
          .join(', ')})`;
  // A tombstoned row that shows up again is a real change for analysts (it is back): not "unchanged".
  const revived = shape.snapshot ? ` or not t."is_active"` : '';
  const syncedAt = 'coalesce($3::timestamptz, now())';

  const insertCols = [...shipped];
  const insertVals = shipped.map((c) => `c.${c}`);
  const updates = [...business, ...(hash ? [hash] : [])].map((b) => `${b} = excluded.${b}`);
  if (shape.hasBookkeeping) {
    insertCols.push('"first_seen_at"', '"synced_at"', '"run_id"');
    insertVals.push(syncedAt, syncedAt, '$2::bigint');
    updates.push('"synced_at" = excluded."synced_at"', '"run_id" = excluded."run_id"');
  }
  if (shape.snapshot) {
    insertCols.push('"is_active"', '"removed_at"', '"last_seen_run_id"');
    insertVals.push('true', 'null', '$2::bigint');
    updates.push(
      '"is_active" = true',
      '"removed_at" = null',
      '"last_seen_run_id" = excluded."last_seen_run_id"',
    );
  }
  const conflictWhere = shape.snapshot
    ? `${distinct('tgt', 'excluded')} or not tgt."is_active"`
    : distinct('tgt', 'excluded');
  const onConflict =
    updates.length === 0 ? 'do nothing' : `do update set ${updates.join(', ')} where ${conflictWhere}`;

  const parts = [
    // `offset 0` keeps the cast in its own subquery: inlined, it would be re-parsed for every column.
    `with input as (select ${extract.join(', ')} from unnest(string_to_array($1::text, E'\\n')) as l(line),` +
      ' lateral (select line::jsonb as r offset 0) as e)',
    // The stored row is probed by primary key, one index lookup per batch row, whatever the planner
    // believes about the table: as a plain join, a plan made while the table was empty or freshly
    // truncated (a first backfill) hash-joined the batch with a sequential scan of the whole table
    // and kept doing so from the plan cache as the table grew, which made every page cost O(table).
    // `limit 1` (a no-op on a primary key) keeps the subquery from being flattened into that join.
    `, changed as (select i.*, t.${firstPk} is null as ${NEW_FLAG} from input i left join lateral (select * from ${shape.qualified} t where ${pkJoin} limit 1) t on true` +
      ` where t.${firstPk} is null or ${distinct('t', 'i')}${revived})`,
    // xmax = 0 tells an insert from an update, but a partitioned table cannot return system columns:
    // there, a row counts as inserted when the probe above found no stored row. (Only a concurrent
    // writer inserting the same key between the probe and the insert could make that count an update
    // as an insert; the row itself is right either way.)
    `, upserted as (insert into ${shape.qualified} as tgt (${insertCols.join(', ')})` +
      ` select ${insertVals.join(', ')} from changed c on conflict (${shape.primaryKey.map(q).join(', ')})` +
      ` ${onConflict} returning ${shape.partitioned ? '1' : '(xmax = 0) as inserted'})`,
  ];
  parts.push(
    // Partitioned: every row of `changed` is written (its WHERE can only turn a row away that a
    // concurrent writer made equal meanwhile), so the new ones are counted in `changed` and the rest
    // of what was written is updates. Joining `upserted` to `changed` by key instead was a nested loop
    // over the two CTEs, page rows squared (~40 ms of a 200-line page).
    shape.partitioned
      ? ` select least(n.new_rows, w.written)::int as inserted, (w.written - least(n.new_rows, w.written))::int as updated` +
          ` from (select count(*) as written from upserted) w, (select count(*) filter (where c.${NEW_FLAG}) as new_rows from changed c) n`
      : ' select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated' +
          ' from upserted',
  );
  const statement: UpsertStatement = { text: parts.join(''), params: 3 };
  built.set(shape, statement);
  return statement;
}

/** SQL that reads column `i` of row `r` (a jsonb array) as `sqlType`; JSON null becomes SQL NULL. */
function fromPosition(sqlType: string, i: number): string {
  if (sqlType === 'jsonb') return `nullif(r->${i}, 'null'::jsonb)`;
  if (sqlType === 'json') return `nullif(r->${i}, 'null'::jsonb)::json`;
  if (sqlType.endsWith('[]')) {
    return `case when jsonb_typeof(r->${i}) = 'array' then array(select jsonb_array_elements_text(r->${i}))::${sqlType} end`;
  }
  return `(r->>${i})::${sqlType}`;
}
