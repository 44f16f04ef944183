/**
 * Rows of a saved search that is no longer synced are marked removed (is_active = false, removed_at),
 * as a complete snapshot marks the products a search no longer returns. A connection syncs its saved
 * searches (etl.saved_searches), or its default search `default:<connection id>` while it has none
 * (src/extract/open-collaboration-products.ts): so deleting a search, adding the first search of a
 * connection (its default search stops) and deleting a connection all retire rows.
 *
 * Triggers on etl.saved_searches and etl.connections do it in the transaction of the change, whoever
 * makes it (the CLI writes etl.saved_searches directly). A row whose search comes back is revived by
 * its next sync, like any tombstoned row. Created by migrate's repeatable step, which also retires the
 * rows of searches removed before this existed.
 */

/** Marks the active rows of searches no connection syncs any more; returns how many. */
const retireFunction = `
create or replace function etl.retire_unsynced_search_rows() returns int
  language plpgsql set search_path = pg_catalog, pg_temp as $fn$
declare
  retired int;
begin
  update tiktok_affiliate.open_collaboration_products p
  set is_active = false, removed_at = now(), synced_at = now()
  where p.is_active
    and not exists (select from etl.saved_searches s where s.search_id = p.search_id)
    and not exists (
      select from etl.connections c
      where p.search_id = 'default:' || c.id
        and not exists (select from etl.saved_searches s where s.connection_id = c.id));
  get diagnostics retired = row_count;
  return retired;
end
$fn$`;

const triggerFunction = `
create or replace function etl.retire_unsynced_search_rows_trigger() returns trigger
  language plpgsql set search_path = pg_catalog, pg_temp as $fn$
begin
  perform etl.retire_unsynced_search_rows();
  return null;
end
$fn$`;

export const searchRetirementSql: string[] = [
  retireFunction.trim(),
  triggerFunction.trim(),
  'drop trigger if exists saved_searches_retire_rows on etl.saved_searches',
  'create trigger saved_searches_retire_rows after insert or update or delete on etl.saved_searches ' +
    'for each statement execute function etl.retire_unsynced_search_rows_trigger()',
  'drop trigger if exists connections_retire_search_rows on etl.connections',
  'create trigger connections_retire_search_rows after delete on etl.connections ' +
    'for each statement execute function etl.retire_unsynced_search_rows_trigger()',
  'select etl.retire_unsynced_search_rows()',
];
