/**
 * The creators dimension: one row per creator any stream mentions, with the names the reader cannot
 * otherwise get (a creator connection's name lives in etl.connections). Maintained by the loader in
 * each page's transaction (src/load/creators.ts), never by a normalizer.
 * Grain: creator_key, the same rule as target_collaboration_creators.creator_key: the creator's open_id
 * when known, else the username. A creator first seen by username only is merged into its open_id
 * row as soon as a stream gives both (target collaborations, fulfillment).
 */
import { sql } from 'drizzle-orm';
import { index, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tiktokAffiliate } from './analytics-schema.ts';
import { bookkeeping, bookkeepingDocs, instant } from './columns.ts';
import { documentTable, type RelationDoc } from './docs.ts';

export const creators = tiktokAffiliate.table(
  'creators',
  {
    creator_key: text().notNull(),
    open_id: text(),
    username: text(),
    display_name: text(),
    last_seen_at: instant().notNull(),
    ...bookkeeping(),
  },
  (t) => [
    primaryKey({ name: 'creators_pkey', columns: [t.creator_key] }),
    uniqueIndex('creators_open_id_idx').on(t.open_id).where(sql`open_id is not null`),
    index('creators_username_idx').on(t.username),
  ],
);

export const creatorsDoc: RelationDoc = documentTable(
  creators,
  'Creators, one row per creator any synced stream mentions. Grain: (creator_key). Join: ' +
    'seller_order_skus.creator_username = username; creator_orders / creator_order_skus.creator_id = open_id; ' +
    'campaign_creator_fulfillment(_daily).creator_open_id = open_id; target_collaboration_creators.creator_key ' +
    '= creator_key.',
  {
    creator_key:
      "The creator's open_id when known, else the username (the rule of target_collaboration_creators.creator_key). " +
      'A username-only row becomes the open_id row once a stream gives both.',
    open_id:
      'Per-app creator Open ID, when known: creator connections (their token), target collaboration ' +
      'creators (202508) and campaign fulfillment.',
    username:
      'TikTok username, when known: seller order lines, target collaboration creators, campaign fulfillment. ' +
      'The latest one seen.',
    display_name:
      'Display name (nickname) as the API last sent it; for a creator known only through its creator ' +
      'connection, the name given to that connection.',
    last_seen_at:
      'When a sync last loaded a row mentioning the creator (UTC; kept to within an hour so that repeated ' +
      'pages do not rewrite the row). first_seen_at is when one first did.',
    ...bookkeepingDocs(),
  },
);
