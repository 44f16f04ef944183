/**
 * Contract of the TikTok Shop API client (src/tiktok). Everything the rest of the pipeline may
 * know about the API goes through these types; the client is the only module speaking HTTP to TikTok.
 * The API facts it relies on are in docs/tiktok-api.md (cited by section anchor in the code);
 * recorded response examples are in test/fixtures/api-examples.
 */

/** A raw API record: validated only as "a JSON object" here; the normalizers check fields. */
export type ApiRecord = Record<string, unknown>;

/** One page of a list/search endpoint (docs/tiktok-api.md#pagination). */
export interface Page<T = ApiRecord> {
  records: T[];
  /** null when the API signalled the last page (empty or missing token). */
  nextPageToken: string | null;
  /** `total_count` (or `total_creator_count`) when the endpoint reports one. */
  totalCount: number | null;
  requestId: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** Access tokens come from here; the implementation refreshes ahead of expiry (docs/tiktok-api.md#tokens). */
export interface TokenSource {
  /** A currently valid access token (refreshing first when it is about to expire). */
  accessToken(signal?: AbortSignal): Promise<string>;
  /**
   * Called after the API refused `rejected` (105002 expired, 105001 deauthorized, or a 36009004
   * about the access token): re-read the connection's current pair under the refresh lock and
   * return its token when it is another one (a refresh elsewhere rotated `rejected` away); only
   * when `rejected` is still the current token, refresh (once, across processes) and return the
   * new one. A refused refresh throws (TokenRevokedError when the grant is gone).
   */
  refreshAfterExpiry(rejected: string, signal?: AbortSignal): Promise<string>;
}

/** Who is calling: app credentials, token source, and the cipher of the owner (docs/tiktok-api.md#common-parameters). */
export interface ConnectionAuth {
  appKey: string;
  appSecret: string;
  tokens: TokenSource;
  /** Seller endpoints that act on a shop. Never sent to endpoints that do not declare it. */
  shopCipher?: string;
  /** Partner endpoints. Never sent to endpoints that do not declare it. */
  categoryAssetCipher?: string;
  /**
   * Partition of the shared rate budget (docs/tiktok-api.md#rate-limits: quota per (app, shop)): the shop id for
   * sellers, the category asset cipher for partners, the creator open_id for creators.
   */
  budgetScope: string;
}

/** Result of token get / refresh (docs/tiktok-api.md#token-response). Expiries are ABSOLUTE epoch seconds. */
export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  openId: string;
  userType: 0 | 1 | 3;
  grantedScopes: string[];
  sellerName: string | null;
  sellerBaseRegion: string | null;
}

export interface AuthorizedShop {
  id: string;
  name: string;
  region: string;
  sellerType: string;
  cipher: string;
  code: string;
}

export interface AuthorizedCategoryAsset {
  cipher: string;
  targetMarket: string;
  categoryId: string;
  categoryName: string;
}

/** A process-wide or cross-process rate budget (docs/tiktok-api.md#rate-limits). */
export interface RateBudget {
  /** Waits until one request for `key` may go out; resolves with the ms spent waiting. */
  acquire(key: string, signal?: AbortSignal): Promise<number>;
  /** The API throttled `key` (429 / 36009002): slow this key down for everyone. */
  throttled(key: string, retryAfterMs: number | null): Promise<void>;
}

/** Counters the client reports to its caller (run summaries, metrics). */
export interface ApiCallObserver {
  onCall(event: {
    endpoint: string;
    status: 'ok' | 'error';
    code: number | null;
    httpStatus: number | null;
    durationMs: number;
    throttledMs: number;
    attempt: number;
  }): void;
}
