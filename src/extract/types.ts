/**
 * What a stream definition hands to the engine (src/jobs). Extract knows the API (src/tiktok) and nothing
 * of Postgres: it yields API-shaped record batches; the engine normalizes, commits and checkpoints them.
 */
import type { ApiClient } from '../tiktok/client.ts';
import type { ConnectionAuth, Page } from '../tiktok/types.ts';
import type { RestartInfo } from './restart.ts';
import type { TimeWindow } from './windows.ts';

/** One owner of a connection: a shop (seller), the creator itself, or a category asset (partner). */
export interface ExtractContext {
  api: ApiClient;
  auth: ConnectionAuth;
  /** shop id, creator open_id or category asset cipher: the owner column of every row (docs/warehouse.md#owners). */
  ownerId: string;
  signal?: AbortSignal | undefined;
  /** Told when a list is read again from its first page after a rejected page token (for logs). */
  onPageTokenRestart?: ((info: RestartInfo) => void) | undefined;
}

/** Names of the normalizers of src/transform/index.ts; the engine maps each to its function. */
export type NormalizerName =
  | 'normalizeSellerOrders'
  | 'normalizeCreatorOrders'
  | 'normalizeOpenCollaborations'
  | 'normalizeOpenCollaborationProducts'
  | 'normalizeTargetCollaborations'
  | 'normalizePartnerCampaigns'
  | 'normalizePartnerCampaignProducts'
  | 'normalizeCampaignCreatorFulfillment'
  | 'normalizePartnerOrders'
  | 'normalizeCampaignProductPerformance'
  | 'normalizeCreatorTargetCollaborations'
  | 'normalizeCreatorOpenCollaborationProducts';

/** A windowed (create-time) stream: the engine plans windows and walks each page by page. */
export interface WindowedSource {
  strategy: 'windowed';
  normalizer: NormalizerName;
  /** The order tables (drizzle export names) the settlement re-scan queries for non-final lines. */
  headerTable: 'sellerOrders' | 'creatorOrders' | 'partnerOrders';
  /** The owner column of headerTable. */
  ownerColumn: 'shop_id' | 'creator_id' | 'partner_id';
  /** Which FINAL_ORDER_STATUSES list applies (src/transform). */
  finalStatuses: 'seller' | 'creator';
  /**
   * Settlements by settle time (creator orders): read at every run instead of re-reading create-time
   * days for them, when the app is granted the search.
   */
  settlements?: SettlementSource;
  /** One page of the window; pageSize defaults to the documented maximum (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders). */
  fetchPage(
    ctx: ExtractContext,
    window: TimeWindow,
    pageToken: string | undefined,
    pageSize?: number,
  ): Promise<Page>;
}

/**
 * A search of the settlements of a time range (creator trace orders by SETTLE_TIME): its records are
 * complete orders of the windowed stream once `map`ped with the stored order (see
 * creator-trace-orders.ts).
 */
export interface SettlementSource {
  fetchPage(
    ctx: ExtractContext,
    window: TimeWindow,
    pageToken: string | undefined,
    pageSize?: number,
  ): Promise<Page>;
  map(record: unknown, stored: unknown): { record: unknown; orderId: string | null; complete: boolean };
}

/** One unit of a snapshot walk: records for one normalizer call, with the scope it needs. */
export interface SnapshotBatch {
  normalizer: NormalizerName;
  scope: Record<string, string>;
  records: unknown[];
  /** API calls spent to build this batch (fan-out details included), for the run summary. */
  apiCalls: number;
  /**
   * Parents (a campaign, a campaign product, a collaboration) the walk could not fan out from
   * because their id was unreadable: their children were never read, so any stored child may still
   * exist and the owner's snapshot is incomplete this run (no tombstones). Absent = 0.
   */
  skippedParents?: number;
}

/** A table whose unseen rows are tombstoned after a COMPLETE snapshot, and the column scoping it. */
export interface TombstoneTarget {
  table: string;
  scopeColumn: string;
  /**
   * The owner column that also delimits the scope, for a scope column that is not the owner's
   * (creator invitations: per creator AND shop; the tombstone then reads {creator_id, shop_id}).
   */
  withinOwner?: 'shop_id' | 'creator_id' | 'partner_id';
}

export interface SnapshotParams {
  /**
   * open_collaboration_products, creator_open_collaboration_products: the saved marketplace searches
   * of the connection (etl.saved_searches).
   */
  savedSearches?: SavedSearch[];
  /** creator_target_collaborations: the shop ids the creator sells for (its orders name the shops). */
  creatorShops?: string[];
}

export interface SavedSearch {
  searchId: string;
  name: string | null;
  criteria: Record<string, unknown>;
}

export interface SnapshotSource {
  strategy: 'snapshot';
  /** Tables tombstoned after a complete walk; scoped by the owner unless the batch scope names the column. */
  tombstones: TombstoneTarget[];
  walk(ctx: ExtractContext, params: SnapshotParams): AsyncGenerator<SnapshotBatch>;
}

export type StreamSource = WindowedSource | SnapshotSource;
