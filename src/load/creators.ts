/**
 * Keeps tiktok_affiliate.creators (src/load/schema/analytics-creators.ts) current from each page, in
 * the page's transaction: every creator the page's rows mention is recorded with its open_id,
 * username and display name where the row carries them. The page's rows are the only input, so the
 * dimension always covers what the other tables hold, whatever stream loaded them.
 *
 * Merging: a creator known by username only (seller order lines) has the username as creator_key;
 * when a row gives that username together with an open_id, the username row is folded into the
 * open_id row (earliest first_seen_at kept). A username-only mention of a creator whose open_id row
 * already has that username touches the open_id row instead of creating a second one.
 */
import type postgres from 'postgres';
import type { TableRows } from '../transform/types.ts';
import { toJson } from './upsert.ts';

interface CreatorSource {
  /** Export name of the table in src/load/schema. */
  table: string;
  openId?: string;
  username?: string;
  displayName?: string;
  /** The table belongs to a creator connection: the creator's display name is the connection's. */
  ownConnection?: boolean;
}

/** Which columns of which tables name a creator. */
export const CREATOR_SOURCES: readonly CreatorSource[] = [
  { table: 'sellerOrderSkus', username: 'creator_username' },
  { table: 'partnerOrderSkus', username: 'creator_username' },
  { table: 'creatorOrders', openId: 'creator_id', ownConnection: true },
  { table: 'creatorTargetCollaborations', openId: 'creator_id', ownConnection: true },
  {
    table: 'targetCollaborationCreators',
    openId: 'creator_open_id',
    username: 'username',
    displayName: 'nickname',
  },
  {
    table: 'campaignCreatorFulfillment',
    openId: 'creator_open_id',
    username: 'creator_user_name',
    displayName: 'creator_nick_name',
  },
];

interface Mention {
  open_id: string | null;
  username: string | null;
  display_name: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The distinct creators named by the page's rows. */
export function creatorMentions(rows: TableRows, connectionName: string | null = null): Mention[] {
  const seen = new Map<string, Mention>();
  for (const source of CREATOR_SOURCES) {
    for (const row of rows[source.table] ?? []) {
      const mention: Mention = {
        open_id: source.openId ? text(row[source.openId]) : null,
        username: source.username ? text(row[source.username]) : null,
        display_name: source.displayName ? text(row[source.displayName]) : null,
      };
      // A creator connection's orders name its creator by open_id; its name is the connection's.
      if (source.ownConnection) mention.display_name = connectionName;
      if (!mention.open_id && !mention.username) continue;
      const key = JSON.stringify([mention.open_id, mention.username]);
      const before = seen.get(key);
      seen.set(key, { ...mention, display_name: mention.display_name ?? before?.display_name ?? null });
    }
  }
  return [...seen.values()];
}

/**
 * $1 mentions (jsonb array of {open_id, username, display_name}), $2 seen at, $3 run id.
 * Four steps, each statement seeing the previous ones' effects: fold username rows into the open_id
 * rows that now have them, upsert open_id mentions, touch open_id rows named by username only, upsert
 * the remaining username-only mentions. last_seen_at moves by an hour or more (or with another change).
 */
const MENTIONS = `select distinct nullif(e->>'open_id', '') as open_id, nullif(e->>'username', '') as username,
  nullif(e->>'display_name', '') as display_name from jsonb_array_elements($1::text::jsonb) as e`;

const CHANGED = `creators.username is distinct from coalesce(excluded.username, creators.username)
  or creators.display_name is distinct from coalesce(excluded.display_name, creators.display_name)
  or excluded.first_seen_at < creators.first_seen_at
  or excluded.last_seen_at >= creators.last_seen_at + interval '1 hour'`;

const UPSERT_SET = `username = coalesce(excluded.username, creators.username),
  display_name = coalesce(excluded.display_name, creators.display_name),
  first_seen_at = least(creators.first_seen_at, excluded.first_seen_at),
  last_seen_at = greatest(creators.last_seen_at, excluded.last_seen_at),
  synced_at = excluded.synced_at, run_id = excluded.run_id`;

/**
 * The rows an INSERT .. ON CONFLICT below would change: ON CONFLICT DO UPDATE locks the stored row
 * even when its WHERE then leaves it alone, and the lock lasts until the page commits. Pages of
 * concurrent windows name the same creators, so each waited for the other's commit on rows neither
 * changed (bench/e2e.bench.ts: most of the backfill's time, Lock:transactionid on these statements).
 * A plain read leaves out the candidates whose row is already as they would make it; a row changed
 * concurrently meanwhile still meets ON CONFLICT's own check.
 */
function onlyChanged(select: string): string {
  const unchanged = CHANGED.replaceAll('creators.', 'k.').replaceAll('excluded.', 's.');
  return `select s.* from (${select}) s
   where not exists (select from tiktok_affiliate.creators k where k.creator_key = s.creator_key and not (${unchanged}))`;
}

const CANDIDATE_COLUMNS = `creator_key, open_id, username, display_name, first_seen_at, last_seen_at, synced_at, run_id`;

export const CREATOR_STATEMENTS: readonly string[] = [
  `with m as (${MENTIONS}), folded as (
     delete from tiktok_affiliate.creators c using m
     where m.open_id is not null and m.username is not null and c.creator_key = m.username and c.open_id is null
     returning m.open_id, c.first_seen_at, c.display_name)
   insert into tiktok_affiliate.creators as creators (${CANDIDATE_COLUMNS})
   ${onlyChanged(`select f.open_id as creator_key, f.open_id as open_id, null::text as username,
     min(f.display_name) as display_name, min(f.first_seen_at) as first_seen_at, $2::timestamptz as last_seen_at,
     $2::timestamptz as synced_at, $3::bigint as run_id
   from folded f group by f.open_id`)}
   on conflict (creator_key) do update set ${UPSERT_SET} where ${CHANGED}`,
  `with m as (${MENTIONS})
   insert into tiktok_affiliate.creators as creators (${CANDIDATE_COLUMNS})
   ${onlyChanged(`select m.open_id as creator_key, m.open_id as open_id, max(m.username) as username,
     max(m.display_name) as display_name, $2::timestamptz as first_seen_at, $2::timestamptz as last_seen_at,
     $2::timestamptz as synced_at, $3::bigint as run_id
   from m where m.open_id is not null group by m.open_id`)}
   on conflict (creator_key) do update set ${UPSERT_SET} where ${CHANGED}`,
  `with m as (${MENTIONS})
   update tiktok_affiliate.creators c set last_seen_at = $2::timestamptz, synced_at = $2::timestamptz, run_id = $3::bigint
   from m where m.open_id is null and c.username = m.username and c.open_id is not null
     and $2::timestamptz >= c.last_seen_at + interval '1 hour'`,
  `with m as (${MENTIONS})
   insert into tiktok_affiliate.creators as creators (${CANDIDATE_COLUMNS})
   ${onlyChanged(`select m.username as creator_key, null::text as open_id, m.username as username,
     max(m.display_name) as display_name, $2::timestamptz as first_seen_at, $2::timestamptz as last_seen_at,
     $2::timestamptz as synced_at, $3::bigint as run_id
   from m where m.open_id is null
     and not exists (select from tiktok_affiliate.creators k where k.username = m.username and k.open_id is not null)
   group by m.username`)}
   on conflict (creator_key) do update set ${UPSERT_SET} where ${CHANGED}`,
];

/** Records the page's creators; returns how many creator rows were inserted or changed. */
export async function noteCreators(
  sql: postgres.TransactionSql,
  input: { rows: TableRows; connectionId: number; runId: number | null; seenAt?: Date },
): Promise<number> {
  let connectionName: string | null = null;
  if (CREATOR_SOURCES.some((s) => s.ownConnection && (input.rows[s.table]?.length ?? 0) > 0)) {
    const [conn] = await sql<{ name: string }[]>`
      select name from etl.connections where id = ${input.connectionId} and kind = 'creator'`;
    connectionName = conn?.name ?? null;
  }
  const mentions = creatorMentions(input.rows, connectionName);
  if (mentions.length === 0) return 0;
  // Unnamed statements: planned for this page's size against the table's (see order-lines.ts).
  const params = [toJson(mentions), input.seenAt ?? new Date(), input.runId] as never;
  let changed = 0;
  for (const statement of CREATOR_STATEMENTS) {
    changed += (await sql.unsafe(statement, params, { prepare: false })).count;
  }
  return changed;
}
