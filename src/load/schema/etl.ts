/**
 * The pipeline's own state (docs/warehouse.md#schemas, schema `etl`): connections, checkpoints, windows ledger,
 * run history, quarantine, schedules and saved marketplace searches. Analysts never read these
 * directly (affiliate_reader has no grant here); the stream_freshness view exposes what they need.
 *
 * Drizzle property names are the SQL column names (docs.ts convention).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { CONNECTION_KINDS, STREAMS } from '../../core/streams.ts';
import { etl } from './etl-schema.ts';

export { etl };
export { creatorPerformanceOrders, creatorPerformanceRollup } from './performance-rollup.ts';

/** Every instant is a timestamptz read as a JS Date (docs/warehouse.md#column-conventions column conventions). */
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const CONNECTION_STATUSES = ['active', 'disabled', 'reauth_required'] as const;
export const SYNC_STATE_STATUSES = ['ok', 'failing', 'blocked'] as const;
export const WINDOW_KINDS = ['backfill', 'rescan', 'incremental'] as const;
export const WINDOW_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export const RUN_TRIGGERS = ['schedule', 'cli', 'backfill', 'rescan'] as const;
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'partial'] as const;

export const connections = etl.table(
  'connections',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind', { enum: CONNECTION_KINDS }).notNull(),
    name: text('name').notNull(),
    app_key: text('app_key').notNull(),
    app_secret_enc: text('app_secret_enc').notNull(),
    access_token_enc: text('access_token_enc').notNull(),
    refresh_token_enc: text('refresh_token_enc').notNull(),
    access_token_expires_at: timestamptz('access_token_expires_at').notNull(),
    refresh_token_expires_at: timestamptz('refresh_token_expires_at'),
    open_id: text('open_id'),
    granted_scopes: text('granted_scopes').array().notNull().default(sql`'{}'::text[]`),
    shops: jsonb('shops').notNull().default(sql`'[]'::jsonb`),
    category_assets: jsonb('category_assets').notNull().default(sql`'[]'::jsonb`),
    status: text('status', { enum: CONNECTION_STATUSES }).notNull().default('active'),
    status_reason: text('status_reason'),
    created_at: timestamptz('created_at').notNull().defaultNow(),
    updated_at: timestamptz('updated_at').notNull().defaultNow(),
    token_version: integer('token_version').notNull().default(0),
  },
  (t) => [
    check('connections_kind_check', sql`${t.kind} in (${inList(CONNECTION_KINDS)})`),
    check('connections_status_check', sql`${t.status} in (${inList(CONNECTION_STATUSES)})`),
  ],
);

export const syncState = etl.table(
  'sync_state',
  {
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    scope: text('scope').notNull().default(''),
    watermark: timestamptz('watermark'),
    cursor: jsonb('cursor'),
    status: text('status', { enum: SYNC_STATE_STATUSES }).notNull().default('ok'),
    error_class: text('error_class'),
    error_message: text('error_message'),
    updated_at: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connection_id, t.stream, t.scope] }),
    check('sync_state_stream_check', sql`${t.stream} in (${inList(STREAMS)})`),
    check('sync_state_status_check', sql`${t.status} in (${inList(SYNC_STATE_STATUSES)})`),
  ],
);

export const syncWindows = etl.table(
  'sync_windows',
  {
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    scope: text('scope').notNull().default(''),
    window_start: timestamptz('window_start').notNull(),
    window_end: timestamptz('window_end').notNull(),
    kind: text('kind', { enum: WINDOW_KINDS }).notNull(),
    status: text('status', { enum: WINDOW_STATUSES }).notNull().default('pending'),
    pages: integer('pages').notNull().default(0),
    rows: integer('rows').notNull().default(0),
    last_page_token: text('last_page_token'),
    run_id: bigint('run_id', { mode: 'number' }),
    updated_at: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connection_id, t.stream, t.scope, t.window_start, t.window_end, t.kind] }),
    check('sync_windows_window_check', sql`${t.window_start} < ${t.window_end}`),
    check('sync_windows_kind_check', sql`${t.kind} in (${inList(WINDOW_KINDS)})`),
    check('sync_windows_status_check', sql`${t.status} in (${inList(WINDOW_STATUSES)})`),
  ],
);

export const syncRuns = etl.table(
  'sync_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    scope: text('scope'),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    started_at: timestamptz('started_at').notNull().defaultNow(),
    finished_at: timestamptz('finished_at'),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('running'),
    pages: integer('pages').notNull().default(0),
    api_calls: integer('api_calls').notNull().default(0),
    rows_inserted: bigint('rows_inserted', { mode: 'number' }).notNull().default(0),
    rows_updated: bigint('rows_updated', { mode: 'number' }).notNull().default(0),
    rows_unchanged: bigint('rows_unchanged', { mode: 'number' }).notNull().default(0),
    rows_rejected: bigint('rows_rejected', { mode: 'number' }).notNull().default(0),
    rows_removed: bigint('rows_removed', { mode: 'number' }).notNull().default(0),
    throttled_ms: bigint('throttled_ms', { mode: 'number' }).notNull().default(0),
    error_class: text('error_class'),
    error_message: text('error_message'),
    detail: jsonb('detail'),
  },
  (t) => [
    index('sync_runs_connection_stream_idx').on(t.connection_id, t.stream, t.started_at.desc()),
    index('sync_runs_running_idx').on(t.status).where(sql`${t.status} = 'running'`),
    check('sync_runs_stream_check', sql`${t.stream} in (${inList(STREAMS)})`),
    check('sync_runs_trigger_check', sql`${t.trigger} in (${inList(RUN_TRIGGERS)})`),
    check('sync_runs_status_check', sql`${t.status} in (${inList(RUN_STATUSES)})`),
  ],
);

export const rejectedRecords = etl.table(
  'rejected_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    stream: text('stream').notNull(),
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    run_id: bigint('run_id', { mode: 'number' }),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    record_key: text('record_key'),
    raw: jsonb('raw'),
    raw_hash: text('raw_hash').notNull(),
    first_seen_at: timestamptz('first_seen_at').notNull().defaultNow(),
    last_seen_at: timestamptz('last_seen_at').notNull().defaultNow(),
    occurrences: integer('occurrences').notNull().default(1),
  },
  (t) => [
    uniqueIndex('rejected_records_dedupe_idx').on(t.connection_id, t.stream, t.raw_hash),
    index('rejected_records_run_idx').on(t.run_id),
  ],
);

export const schedules = etl.table(
  'schedules',
  {
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    every_ms: bigint('every_ms', { mode: 'number' }),
    cron: text('cron'),
    enabled: boolean('enabled').notNull().default(true),
    updated_at: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connection_id, t.stream] }),
    check('schedules_stream_check', sql`${t.stream} in (${inList(STREAMS)})`),
    check('schedules_one_rule_check', sql`(${t.every_ms} is null) <> (${t.cron} is null)`),
    check('schedules_every_positive_check', sql`${t.every_ms} is null or ${t.every_ms} > 0`),
  ],
);

/**
 * When each active (connection, stream) runs next: one row per scheduled pair, kept in step with the
 * connections and etl.schedules by the dispatcher (src/jobs/dispatcher.ts), which enqueues the due
 * rows in bulk. The rule the row was computed from is kept, so a changed rule is noticed and the next
 * run follows it. `queued_job` names the job that carries the pair's due run until it finishes: the
 * pair is not enqueued again meanwhile (one run per pair in flight), and stays due, never lost.
 */
export const scheduleDispatch = etl.table(
  'schedule_dispatch',
  {
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    every_ms: bigint('every_ms', { mode: 'number' }),
    cron: text('cron'),
    next_run_at: timestamptz('next_run_at').notNull(),
    queued_job: text('queued_job'),
    queued_at: timestamptz('queued_at'),
    /** The due time of the run last handed to the queue (what "overdue" is measured from). */
    last_due_at: timestamptz('last_due_at'),
  },
  (t) => [
    primaryKey({ columns: [t.connection_id, t.stream] }),
    check('schedule_dispatch_stream_check', sql`${t.stream} in (${inList(STREAMS)})`),
    check('schedule_dispatch_one_rule_check', sql`(${t.every_ms} is null) <> (${t.cron} is null)`),
    index('schedule_dispatch_due_idx').on(t.next_run_at).where(sql`${t.queued_job} is null`),
    index('schedule_dispatch_queued_idx').on(t.queued_at).where(sql`${t.queued_job} is not null`),
  ],
);

export const savedSearches = etl.table(
  'saved_searches',
  {
    connection_id: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    search_id: text('search_id').notNull(),
    name: text('name').notNull(),
    criteria: jsonb('criteria').notNull(),
    created_at: timestamptz('created_at').notNull().defaultNow(),
    updated_at: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.connection_id, t.search_id] })],
);
