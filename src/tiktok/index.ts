/**
 * Public surface of the TikTok Shop API client (the pipeline imports from here or the files).
 *
 * Wiring, once per process (CONTRIBUTING.md#dependencies-passed-in):
 *   const budget = createRedisRateBudget(redis, { ratePerSecond: config.rateLimitPerSecond });
 *   const api = createApiClient({ apiBaseUrl, authBaseUrl, budget, log, observer });
 *   const mutex = createRedisMutex(redis);
 * Per connection:
 *   const tokens = createTokenSource({ connectionId, appKey, appSecret, api, store, mutex });
 *   const auth: ConnectionAuth = { appKey, appSecret, tokens, shopCipher, budgetScope: shopId };
 *   const page = await searchSellerOrders(api, auth, { createTimeGe, createTimeLt, pageToken }, { signal });
 * Errors: TikTokApiError subclasses; `err.isRetryable()` decides BullMQ retry vs UnrecoverableError,
 * `InvalidRequestError.pageTokenRejected` means "restart the window".
 */
export {
  type ApiCallRequest,
  type ApiCallResult,
  type ApiClient,
  type ApiClientOptions,
  createApiClient,
  type OwnedApiClient,
} from './client.ts';
export { type CipherKind, type EndpointDef, ENDPOINTS, endpointLabel } from './endpoints/catalog.ts';
export { getAuthorizedCategoryAssets, getAuthorizedShops } from './endpoints/authorization.ts';
export { type CreatorOrdersParams, searchCreatorOrders } from './endpoints/creator.ts';
export {
  getCreatorFulfillmentStatus,
  getPartnerCampaignDetail,
  listPartnerCampaignProducts,
  listPartnerCampaigns,
  type PageParams,
  type PartnerCampaignsParams,
} from './endpoints/partner.ts';
export {
  getTargetCollaborationDetail,
  type OpenCollaborationProductCriteria,
  type OpenCollaborationProductsParams,
  type OpenCollaborationsParams,
  type SellerOrdersParams,
  searchOpenCollaborationProducts,
  searchOpenCollaborations,
  searchSellerOrders,
  searchTargetCollaborations,
  type TargetCollaborationStatus,
  type TargetCollaborationsParams,
} from './endpoints/seller.ts';
export { exchangeAuthCode, refreshTokens } from './endpoints/token.ts';
export * from './errors.ts';
export { createMemoryRateBudget, createRedisRateBudget, type RateBudgetOptions } from './rate-budget.ts';
export { createRedisMutex, type RedisMutexOptions } from './redis-mutex.ts';
export { scrubSecrets } from './redact.ts';
export {
  createTokenSource,
  type Mutex,
  type StoredTokens,
  type TokenSourceOptions,
  type TokenStore,
} from './token-source.ts';
export type * from './types.ts';
