/**
 * Data dictionary of the `etl` schema (COMMENT ON TABLE/COLUMN, docs/data-dictionary.md).
 * documentTable() throws at import time when a column is undocumented, so this list cannot drift.
 */
import type { RelationDoc } from './docs.ts';
import { documentTable } from './docs.ts';
import { creatorPerformanceOrdersDoc, creatorPerformanceRollupDoc } from './performance-rollup.ts';
import {
  connections,
  rejectedRecords,
  savedSearches,
  schedules,
  syncRuns,
  syncState,
  syncWindows,
} from './etl.ts';

const STREAM =
  'Stream name (seller_affiliate_orders, creator_affiliate_orders, open_collaborations, ' +
  'open_collaboration_products, target_collaborations, partner_campaigns, campaign_creator_fulfillment).';
const CONNECTION = 'etl.connections.id of the connection.';
const SECRET = 'AES-256-GCM envelope "v1.<key id>.<iv>.<tag>.<ciphertext>" (base64url); never plaintext.';

export const etlDocs: RelationDoc[] = [
  documentTable(
    connections,
    'One authorized TikTok Shop account (seller, creator or affiliate partner) with its encrypted credentials.',
    {
      id: 'Connection id (identity).',
      kind: 'Token type: seller (user_type 0), creator (1) or partner (3) (docs/tiktok-api.md#token-types).',
      name: 'Operator-chosen display name.',
      app_key: 'TikTok Shop app key the tokens belong to (not secret).',
      app_secret_enc: `App secret. ${SECRET}`,
      access_token_enc: `Access token (x-tts-access-token). ${SECRET}`,
      refresh_token_enc: `Refresh token. ${SECRET}`,
      access_token_expires_at:
        'Absolute expiry of the access token (docs/tiktok-api.md#token-response: access_token_expire_in is an epoch, not a TTL).',
      refresh_token_expires_at:
        'Absolute expiry of the refresh token (refresh_token_expire_in, docs/tiktok-api.md#token-response).',
      open_id: 'open_id of the authorizing user from the token response; the creator_id of creator streams.',
      granted_scopes: 'Scope keys granted to the token (granted_scopes, docs/tiktok-api.md#token-response).',
      shops:
        'Seller: authorized shops [{id, name, region, cipher, code}] (docs/tiktok-api.md#authorized-shops). Empty otherwise.',
      category_assets:
        'Partner: authorized category assets [{cipher, target_market, category_id, category_name}] (docs/tiktok-api.md#authorized-category-assets).',
      status: 'active | disabled (by an operator) | reauth_required (refresh token revoked or expired).',
      status_reason: 'Why the status was last changed (error class and message, never a secret).',
      created_at: 'When the connection was added.',
      updated_at: 'Last change of any column.',
      token_version: 'Incremented by every token rotation; compare-and-swap guard of concurrent refreshes.',
    },
  ),
  documentTable(
    syncState,
    'Checkpoint of one stream of one connection and sub-scope: the watermark and the in-flight cursor, ' +
      'written in the same transaction as the page it follows.',
    {
      connection_id: CONNECTION,
      stream: STREAM,
      scope: "Sub-scope of the stream (a shop id, 'status=ONGOING', a campaign id...); '' when none.",
      watermark: 'Create-time high-water mark of windowed streams; only ever moves forward.',
      cursor: 'Opaque stream cursor (current window, page_token, fan-out position); null when idle.',
      status: 'ok | failing (last run failed, retryable) | blocked (needs an operator: auth, scope).',
      error_class: 'Error class of the last failure (e.g. TokenRevokedError); null when ok.',
      error_message: 'Message of the last failure (secrets scrubbed); null when ok.',
      updated_at: 'Last write of this checkpoint.',
    },
  ),
  documentTable(
    syncWindows,
    'Ledger of create-time windows of backfills, settlement re-scans and incremental syncs.',
    {
      connection_id: CONNECTION,
      stream: STREAM,
      scope: "Sub-scope of the window (shop id of seller streams); '' when none.",
      window_start:
        'Inclusive lower bound of create_time (create_time_ge, docs/tiktok-api.md#seller-orders).',
      window_end: 'Exclusive upper bound of create_time (create_time_lt, docs/tiktok-api.md#seller-orders).',
      kind: 'backfill | rescan | incremental.',
      status: 'pending | running | done | failed.',
      pages: 'Pages committed in this window so far.',
      rows: 'Records (orders) committed in this window so far.',
      last_page_token: 'page_token of the next page to fetch (resume point); null at the start or when done.',
      run_id: 'etl.sync_runs.id that last worked on the window.',
      updated_at: 'Last write of this ledger row.',
    },
  ),
  documentTable(
    syncRuns,
    'One row per sync run of one connection and stream, with its counters and outcome.',
    {
      id: 'Run id; run_id of the analytics rows it changed.',
      connection_id: CONNECTION,
      stream: STREAM,
      scope: 'Optional sub-scope the run was limited to (e.g. a backfill range); null for a full run.',
      trigger: 'schedule | cli | backfill | rescan.',
      started_at: 'When the run started.',
      finished_at: 'When the run ended; null while running.',
      status: 'running | succeeded | failed | partial (some scopes failed, the rest committed).',
      pages: 'Pages committed.',
      api_calls: 'API requests made, retries included.',
      rows_inserted: 'Rows inserted into analytics tables.',
      rows_updated: 'Rows whose content changed.',
      rows_unchanged: 'Rows received again with identical content (observation only, not written).',
      rows_rejected: 'Records quarantined in etl.rejected_records.',
      rows_removed: 'Snapshot rows tombstoned (is_active = false) after a complete snapshot.',
      throttled_ms: 'Milliseconds spent waiting on the shared rate budget or 429 back-off.',
      error_class: 'Error class when the run failed; null otherwise.',
      error_message: 'Error message when the run failed (secrets scrubbed); null otherwise.',
      detail: 'Free-form run details (windows, scopes, unknown enum counts).',
    },
  ),
  documentTable(
    rejectedRecords,
    'Quarantine: API records that could not be normalized, kept whole for replay; the rest of their page loaded. ' +
      'The same raw record rejected again bumps occurrences instead of adding a row.',
    {
      id: 'Quarantine row id.',
      stream: STREAM,
      connection_id: CONNECTION,
      run_id: 'etl.sync_runs.id that last saw the record.',
      reason: 'Machine-friendly reason, e.g. missing_field:id, bad_money:price.amount.',
      detail: 'Human-readable explanation.',
      record_key: 'Best-effort record identifier (order id, collaboration id...), when one could be read.',
      raw: 'The record as received.',
      raw_hash: 'sha256 of the canonical JSON of raw; dedupes re-runs per connection and stream.',
      first_seen_at: 'First time the record was rejected.',
      last_seen_at: 'Last time the record was rejected.',
      occurrences: 'How many times the record was rejected.',
    },
  ),
  documentTable(schedules, 'When each stream of each connection runs (interval or cron).', {
    connection_id: CONNECTION,
    stream: STREAM,
    every_ms: 'Interval in milliseconds; exactly one of every_ms and cron is set.',
    cron: 'Cron pattern (UTC); exactly one of every_ms and cron is set.',
    enabled: 'False pauses the stream of this connection.',
    updated_at: 'Last change.',
  }),
  documentTable(
    savedSearches,
    'Saved open-collaboration marketplace searches (docs/tiktok-api.md#open-collaboration-product-search) synced into open_collaboration_products.',
    {
      connection_id: CONNECTION,
      search_id: 'Operator-chosen search id; search_id of tiktok_affiliate.open_collaboration_products.',
      name: 'Display name.',
      criteria:
        'Search criteria (title keywords, price and commission bounds, category) as the engine sends them.',
      created_at: 'When the search was saved.',
      updated_at: 'Last change.',
    },
  ),
  creatorPerformanceRollupDoc,
  creatorPerformanceOrdersDoc,
];
