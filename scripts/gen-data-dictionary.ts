/**
 * Writes docs/data-dictionary.md, the analysts' data dictionary, from the schema's own documentation
 * (the RelationDocs beside the drizzle tables and views: the same text migrate puts in COMMENT ON).
 *
 *   npx tsx scripts/gen-data-dictionary.ts            # (re)write docs/data-dictionary.md
 *   npx tsx scripts/gen-data-dictionary.ts --check    # exit 1 when the file is stale
 *   ... --out <path>                                  # another target file
 *
 * The output is deterministic (no timestamps), so --check in CI catches a schema change whose
 * dictionary was not regenerated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { is, type SQL } from 'drizzle-orm';
import { getTableConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import type { RelationDoc } from '../src/load/schema/docs.ts';
import * as schema from '../src/load/schema/index.ts';
import { type AnalyticsView, views } from '../src/load/schema/views.ts';
import {
  contractLines,
  type FieldRule,
  RECORD_BOUNDS,
  RECORD_CONTRACTS,
  type RecordContract,
} from '../src/transform/index.ts';

export const DEFAULT_OUT = fileURLToPath(new URL('../docs/data-dictionary.md', import.meta.url));

const SCHEMA_INTRO: Record<string, string> = {
  tiktok_affiliate:
    'The analytics tables and views (what analysts read). Readable by the role `affiliate_reader`. ' +
    'Snapshot tables keep removed rows with `is_active = false`: filter `where is_active` for the current state.',
  etl: "The pipeline's own state (connections, checkpoints, runs, windows, quarantine). Not readable by affiliate_reader.",
};

const dialect = new PgDialect();

/** Markdown table cell: no pipes or line breaks. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

function anchor(schemaName: string, name: string): string {
  return `${schemaName}-${name}`.replaceAll('_', '-');
}

function tablesByName(): Map<string, PgTable> {
  const map = new Map<string, PgTable>();
  for (const value of Object.values(schema)) {
    if (is(value, PgTable)) {
      const c = getTableConfig(value);
      map.set(`${c.schema ?? 'public'}.${c.name}`, value);
    }
  }
  return map;
}

function indexLines(table: PgTable): string[] {
  return getTableConfig(table).indexes.map((i) => {
    const cols = i.config.columns.map((c) => (c as { name?: string }).name ?? '(expression)').join(', ');
    const where = i.config.where ? ` where ${dialect.sqlToQuery(i.config.where as SQL).sql}` : '';
    return `- \`${i.config.name}\` (${cols})${where}`;
  });
}

function renderTable(doc: RelationDoc, table: PgTable | undefined): string[] {
  const out = [
    `### ${doc.schema}.${doc.name}`,
    '',
    `<a id="${anchor(doc.schema, doc.name)}"></a>`,
    '',
    doc.description,
    '',
  ];
  if (!table) throw new Error(`no drizzle table for documented relation ${doc.schema}.${doc.name}`);
  const config = getTableConfig(table);
  const pk =
    config.primaryKeys[0]?.columns.map((c) => c.name) ??
    config.columns.filter((c) => c.primary).map((c) => c.name);
  out.push(`**Primary key (grain):** (${pk.join(', ')})`, '');
  out.push('| column | type | nullable | description |', '|---|---|---|---|');
  for (const col of config.columns) {
    const comment = doc.columns[col.name] ?? '';
    out.push(`| \`${col.name}\` | ${col.getSQLType()} | ${col.notNull ? 'no' : 'yes'} | ${cell(comment)} |`);
  }
  const indexes = indexLines(table);
  if (indexes.length > 0) out.push('', '**Indexes:**', '', ...indexes);
  out.push('');
  return out;
}

function renderView(view: AnalyticsView): string[] {
  const { doc } = view;
  const out = [
    `### ${doc.schema}.${doc.name} (view)`,
    '',
    `<a id="${anchor(doc.schema, doc.name)}"></a>`,
    '',
    doc.description,
    '',
  ];
  out.push('| column | description |', '|---|---|');
  for (const [name, comment] of Object.entries(doc.columns)) out.push(`| \`${name}\` | ${cell(comment)} |`);
  out.push('', '<details><summary>Definition</summary>', '', '```sql', view.sql, '```', '', '</details>', '');
  return out;
}

const KIND_TEXT: Record<FieldRule['kind'], string> = {
  id: 'id (string, or an exact integer)',
  text: 'text',
  enum: 'enum (text)',
  count: 'integer >= 0 (int or digit string)',
  bps: 'rate in bps, 0-10000 (int or digit string)',
  epoch: 'epoch s or ms (int or digit string)',
  money: '{amount, currency}',
  bool: 'boolean',
  object: 'object',
  list: 'list',
  objects: 'object, or a list of objects',
};

const CONTRACTS_INTRO = [
  "Before a record becomes rows, its stream's contract is checked: a record that lacks a required field " +
    '(absent, null, empty text, or an epoch of 0), carries a value of the wrong type or shape, or exceeds a ' +
    'size bound is quarantined in [etl.rejected_records](#etl-rejected-records) with the field and the fault ' +
    'as its reason (`missing_field:skus[0].quantity`, `wrong_type:current_commission`, `empty_list:skus`, ' +
    '`record_too_large`...) and its raw payload, and it changes no stored row. Fields not listed are ' +
    'optional: absent or null is stored as NULL (the API may leave out a field it has emptied, so an absent ' +
    'optional field clears the stored value); a present value of the wrong type (text sent as a number ' +
    'included) still quarantines the record ' +
    '(the optional fields listed are those whose type is checked here, such as every JSON sub-document kept as jsonb).',
  '',
  '**Snapshot streams** (every stream below except the orders): a rejected record whose key can still be ' +
    'read keeps its stored rows (children included) counted as seen by the run, values untouched, so the ' +
    'snapshot does not mark them removed. A rejected record whose key cannot be read may stand for any row of ' +
    'its scope: that scope (the owner, or the saved search for marketplace products) tombstones nothing in ' +
    'this run; the run logs `snapshot_incomplete` and lists the skipped scopes in its checkpoint cursor. ' +
    'A parent the walk could not fan out from (a campaign, campaign product or target collaboration listed ' +
    'without a readable id: its children were never read) makes the owner incomplete the same way ' +
    '(`skippedParents` in the log and the cursor). ' +
    '**Order streams:** a rejected order is not written at all, so its stored header, lines and totals stay as ' +
    'they were, and the create-time day it came from (every day of its window when its create time cannot be ' +
    'read) is read again at the next runs, whatever its re-scan tier: at each of the next three runs, then daily, ' +
    'until a read finds the day clean (`retry` in the re-read record of the checkpoint cursor).',
  '',
  '**Size bounds** (every stream):',
  '',
];

function tableLink(exportName: string): string {
  const table = (schema as Record<string, unknown>)[exportName];
  if (!is(table, PgTable)) throw new Error(`record contract names unknown table export ${exportName}`);
  const c = getTableConfig(table);
  return `[${c.name}](#${anchor(c.schema ?? 'public', c.name)})`;
}

function renderContract(name: string, tables: readonly string[], contract: RecordContract): string[] {
  const out = [
    `### ${name}`,
    '',
    `<a id="contract-${name.toLowerCase()}"></a>`,
    '',
    `Record: ${contract.record}. Fills ${tables.map(tableLink).join(', ')}.`,
    '',
    '| field | type | required | note |',
    '|---|---|---|---|',
  ];
  for (const line of contractLines(contract)) {
    const kind = KIND_TEXT[line.kind] + (line.nonEmpty ? ', at least one item' : '');
    const required = line.required ? '**yes**' : 'no';
    out.push(`| \`${line.path}\` | ${cell(kind)} | ${required} | ${cell(line.note)} |`);
  }
  out.push('');
  return out;
}

export function renderRecordContracts(): string[] {
  const out = ['## Record contracts', '', '<a id="record-contracts"></a>', '', ...CONTRACTS_INTRO];
  out.push('| what | bound | quarantine reason |', '|---|---|---|');
  for (const b of RECORD_BOUNDS) out.push(`| ${cell(b.what)} | ${b.bound} | \`${b.reason}\` |`);
  out.push('');
  for (const [name, { tables, contract }] of Object.entries(RECORD_CONTRACTS))
    out.push(...renderContract(name, tables, contract));
  return out;
}

export function renderDataDictionary(
  allDocs: readonly RelationDoc[] = schema.allDocs,
  viewList: readonly AnalyticsView[] = views,
): string {
  const tables = tablesByName();
  // Views are rendered from their definitions (SQL included); their docs may also sit in allDocs.
  const docs = allDocs.filter((d) => d.kind === 'table');
  const schemas = [...new Set([...docs.map((d) => d.schema), ...viewList.map((v) => v.schema)])];
  const out = [
    '# Data dictionary',
    '',
    '<!-- Generated by `npm run docs:dictionary` (scripts/gen-data-dictionary.ts) from src/load/schema. ' +
      'Do not edit by hand: change the documentation beside the table and regenerate. -->',
    '',
    'Every table and column below also carries a `COMMENT ON` in the database, so any SQL client or BI tool ' +
      'shows the same text. Conventions (docs/warehouse.md#column-conventions): ids are text; money is `x_amount numeric(20,4)` + ' +
      '`x_currency` in major units; rates are `x_bps` (1234 = 12.34 %); times are `timestamptz` (UTC); ' +
      'enums are text as the API sends them; `raw` is the record as received.',
    '',
    '## Contents',
    '',
  ];
  for (const s of schemas) {
    out.push(`- schema \`${s}\``);
    for (const d of docs.filter((x) => x.schema === s)) out.push(`  - [${d.name}](#${anchor(s, d.name)})`);
    for (const v of viewList.filter((x) => x.schema === s))
      out.push(`  - [${v.name}](#${anchor(s, v.name)}) (view)`);
  }
  out.push('- [Record contracts](#record-contracts): what a record must carry to be loaded, per stream');
  out.push('');
  for (const s of schemas) {
    out.push(`## Schema \`${s}\``, '', SCHEMA_INTRO[s] ?? '', '');
    for (const d of docs.filter((x) => x.schema === s))
      out.push(...renderTable(d, tables.get(`${d.schema}.${d.name}`)));
    const schemaViews = viewList.filter((x) => x.schema === s);
    if (schemaViews.length > 0) out.push('### Views', '');
    for (const v of schemaViews) out.push(...renderView(v));
  }
  out.push(...renderRecordContracts());
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : DEFAULT_OUT;
  if (!out) {
    console.error('usage: gen-data-dictionary [--check] [--out <path>]');
    return 2;
  }
  const text = renderDataDictionary();
  if (check) {
    if (readOrEmpty(out) === text) return 0;
    console.error(`${out} is stale: run \`npm run docs:dictionary\` and commit the result.`);
    return 1;
  }
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
  return 0;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) process.exitCode = main(process.argv.slice(2));
