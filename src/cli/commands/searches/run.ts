/** The bodies of the `searches` commands (loaded on use). */
import { getConnection } from '../../../load/connections.ts';
import type { Sql } from '../../../load/db.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_USAGE } from '../../exit-codes.ts';
import { formatInstant } from '../../common/format.ts';
import { withRuntime } from '../../common/runtime.ts';
import { renderTable } from '../../common/table.ts';

export interface SearchInput {
  connection: number;
  name: string;
  id?: string;
  keyword?: string[];
  priceMin?: string;
  priceMax?: string;
  category?: string;
  commissionMin?: number;
  commissionMax?: number;
  criteria?: Record<string, unknown>;
}

const BODY_FIELDS = ['title_keywords', 'sales_price_range', 'category', 'commission_rate_range'];

/** The request body of docs/tiktok-api.md#open-collaboration-product-search from the flags (field names exactly as the API spells them). */
export function criteriaFrom(input: SearchInput): Record<string, unknown> {
  const flagsUsed =
    input.keyword !== undefined ||
    input.priceMin !== undefined ||
    input.priceMax !== undefined ||
    input.category !== undefined ||
    input.commissionMin !== undefined ||
    input.commissionMax !== undefined;
  if (input.criteria) {
    if (flagsUsed) throw new CliError('Give either --criteria or the criteria flags, not both.', EXIT_USAGE);
    const unknown = Object.keys(input.criteria).filter((k) => !BODY_FIELDS.includes(k));
    if (unknown.length > 0) {
      throw new CliError(
        `--criteria has unknown field(s) ${unknown.join(', ')}; the API accepts ${BODY_FIELDS.join(', ')} (docs/tiktok-api.md#open-collaboration-product-search).`,
        EXIT_USAGE,
      );
    }
    return input.criteria;
  }
  const keywords = input.keyword ?? [];
  if (keywords.length > 20)
    throw new CliError(
      `At most 20 --keyword values (docs/tiktok-api.md#open-collaboration-product-search); got ${keywords.length}.`,
      EXIT_USAGE,
    );
  if (keywords.some((k) => k.length > 255))
    throw new CliError(
      'A --keyword may be at most 255 characters (docs/tiktok-api.md#open-collaboration-product-search).',
      EXIT_USAGE,
    );
  if (input.priceMin && input.priceMax && Number(input.priceMin) >= Number(input.priceMax)) {
    throw new CliError('--price-min must be below --price-max.', EXIT_USAGE);
  }
  if (
    input.commissionMin !== undefined &&
    input.commissionMax !== undefined &&
    input.commissionMin >= input.commissionMax
  ) {
    throw new CliError('--commission-min must be below --commission-max.', EXIT_USAGE);
  }
  const out: Record<string, unknown> = {};
  if (keywords.length > 0) out.title_keywords = keywords;
  const price: Record<string, string> = {};
  if (input.priceMin) price.amount_ge = input.priceMin;
  if (input.priceMax) price.amount_lt = input.priceMax;
  if (Object.keys(price).length > 0) out.sales_price_range = price;
  if (input.category) out.category = { id: input.category };
  const rate: Record<string, number> = {};
  if (input.commissionMin !== undefined) rate.rate_ge = input.commissionMin;
  if (input.commissionMax !== undefined) rate.rate_lt = input.commissionMax;
  if (Object.keys(rate).length > 0) out.commission_rate_range = rate;
  return out;
}

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'search'
  );
}

export async function addSearchCommand(ctx: CliContext, input: SearchInput): Promise<void> {
  const criteria = criteriaFrom(input);
  // The products table's grain is (search_id, product_id), across connections (docs/warehouse.md), so
  // the default id carries the connection id.
  const searchId = input.id ?? `${input.connection}:${slug(input.name)}`;
  await withRuntime(ctx, 'searches', ['database'], async (rt) => {
    const sql = rt.db().sql;
    const conn = await getConnection(sql, input.connection);
    if (!conn)
      throw new CliError(
        `There is no connection ${input.connection}; see \`affiliate-etl connections list\`.`,
        EXIT_USAGE,
      );
    // Sellers and creators both search the open-collaboration marketplace, with the same criteria.
    if (conn.kind === 'partner') {
      throw new CliError(
        `Connection ${input.connection} is a partner connection; saved searches belong to seller and creator connections (the open-collaboration product searches).`,
        EXIT_USAGE,
      );
    }
    const [taken] = await sql<{ connection_id: number }[]>`
      select connection_id from etl.saved_searches where search_id = ${searchId} and connection_id <> ${input.connection}`;
    if (taken)
      throw new CliError(
        `Search id ${searchId} is used by connection ${taken.connection_id}; pick another with --id.`,
        EXIT_USAGE,
      );
    const [row] = await sql<{ inserted: boolean }[]>`
      insert into etl.saved_searches (connection_id, search_id, name, criteria)
      values (${input.connection}, ${searchId}, ${input.name}, ${JSON.stringify(criteria)}::text::jsonb)
      on conflict (connection_id, search_id) do update
        set name = excluded.name, criteria = excluded.criteria, updated_at = now()
      returning (xmax = 0) as inserted`;
    ctx.stdout.write(
      `${row?.inserted ? 'Saved' : 'Updated'} search ${searchId} ("${input.name}") for connection ${input.connection}: ${JSON.stringify(criteria)}\n` +
        `The next open_collaboration_products sync snapshots it: affiliate-etl sync --stream open_collaboration_products --connection ${input.connection}\n`,
    );
  });
}

export async function listSearchesCommand(ctx: CliContext, connectionId: number | null): Promise<void> {
  await withRuntime(ctx, 'searches', ['database'], async (rt) => {
    const rows = await searchRows(rt.db().sql, connectionId);
    if (rows.length === 0) {
      ctx.stdout.write(
        'No saved searches: open_collaboration_products syncs the default search (all marketplace products) per seller connection.\n' +
          'Add one with: affiliate-etl searches add --connection ID --name NAME [criteria]\n',
      );
      return;
    }
    const table = rows.map((r) => [
      r.search_id,
      r.connection_id,
      r.name,
      JSON.stringify(r.criteria),
      Number(r.products),
      formatInstant(r.updated_at),
    ]);
    ctx.stdout.write(
      renderTable(['search id', 'conn', 'name', 'criteria', 'active products', 'updated'], table, {
        plain: ctx.plain,
        numeric: [1, 4],
      }),
    );
  });
}

async function searchRows(sql: Sql, connectionId: number | null) {
  return sql<
    {
      search_id: string;
      connection_id: number;
      name: string;
      criteria: unknown;
      products: string;
      updated_at: Date;
    }[]
  >`
    select s.search_id, s.connection_id, s.name, s.criteria, s.updated_at,
      (select count(*) from tiktok_affiliate.open_collaboration_products p where p.search_id = s.search_id and p.is_active) as products
    from etl.saved_searches s
    where ${connectionId}::int is null or s.connection_id = ${connectionId}
    order by s.connection_id, s.search_id`;
}

export async function removeSearchCommand(ctx: CliContext, searchId: string): Promise<void> {
  await withRuntime(ctx, 'searches', ['database'], async (rt) => {
    const result = await rt.db().sql`delete from etl.saved_searches where search_id = ${searchId}`;
    if (result.count === 0)
      throw new CliError(
        `There is no saved search ${searchId}; see \`affiliate-etl searches list\`.`,
        EXIT_USAGE,
      );
    ctx.stdout.write(
      `Removed saved search ${searchId}. Products already synced for it stay in tiktok_affiliate.open_collaboration_products and are no longer refreshed.\n`,
    );
  });
}
