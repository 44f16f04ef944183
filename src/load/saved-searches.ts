/**
 * Saved open-collaboration marketplace searches (etl.saved_searches, docs/tiktok-api.md#open-collaboration-product-search): the
 * open_collaboration_products stream syncs each one into rows keyed by its search_id.
 */
import type { Queryable } from './queryable.ts';

export interface SavedSearch {
  connectionId: number;
  searchId: string;
  name: string;
  criteria: Record<string, unknown>;
  updatedAt: Date;
}

export async function listSavedSearches(sql: Queryable, connectionId: number): Promise<SavedSearch[]> {
  const rows = await sql<
    {
      connection_id: number;
      search_id: string;
      name: string;
      criteria: Record<string, unknown>;
      updated_at: Date;
    }[]
  >`select connection_id, search_id, name, criteria, updated_at from etl.saved_searches
    where connection_id = ${connectionId} order by search_id`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    searchId: r.search_id,
    name: r.name,
    criteria: r.criteria,
    updatedAt: r.updated_at,
  }));
}

/** Creates or replaces a saved search. */
export async function saveSearch(
  sql: Queryable,
  input: { connectionId: number; searchId: string; name: string; criteria: Record<string, unknown> },
): Promise<void> {
  await sql`
    insert into etl.saved_searches (connection_id, search_id, name, criteria)
    values (${input.connectionId}, ${input.searchId}, ${input.name}, ${JSON.stringify(input.criteria)}::text::jsonb)
    on conflict (connection_id, search_id) do update set name = excluded.name, criteria = excluded.criteria,
      updated_at = now()`;
}

export async function removeSavedSearch(
  sql: Queryable,
  connectionId: number,
  searchId: string,
): Promise<boolean> {
  const result =
    await sql`delete from etl.saved_searches where connection_id = ${connectionId} and search_id = ${searchId}`;
  return result.count === 1;
}
