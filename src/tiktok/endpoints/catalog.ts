/**
 * Every endpoint the pipeline calls, in one table: method, host, versioned path, the ONE cipher it
 * declares, whether it is signed, its scope package and its page_size bounds.
 *
 * The cipher column matters: sending a cipher the endpoint does not declare is an error
 * (36009004 "Unexpected identifier", docs/tiktok-api.md#common-parameters), so the client attaches exactly this one.
 */

export type CipherKind = 'shop_cipher' | 'category_asset_cipher' | 'none';

export interface PageSizeRule {
  min: number;
  max: number;
  /** Sent when the caller gives none: the largest page, fewest calls. */
  default: number;
  /** When only some values are accepted (seller target collaborations: 20, 50 or 100). */
  allowed?: readonly number[];
}

export interface EndpointDef {
  /** Stable short name: metrics, budget keys. */
  name: string;
  method: 'GET' | 'POST';
  /** `auth` = the token host (docs/tiktok-api.md#tokens), unsigned; `api` = the business host, signed (docs/tiktok-api.md#signing). */
  host: 'api' | 'auth';
  /** Path template; `{param}` segments are filled URL-encoded. */
  path: string;
  cipher: CipherKind;
  /** A declared cipher may be optional (open-collaboration products, docs/tiktok-api.md#open-collaboration-product-search). */
  cipherRequired: boolean;
  /** Scope package named in the 105005 hint (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders, docs/tiktok-api.md#partner-campaigns; keys [3P] where noted). */
  scope: string | null;
  pageSize: PageSizeRule | null;
  /**
   * The response carries 64-bit ids as JSON numbers (the creator trace order search): its body is
   * parsed so that integers beyond 2^53 keep their exact digits, as strings (big-int-json.ts).
   */
  numberIds?: true;
}

const SELLER_SCOPE = 'Read Seller Affiliate Collaboration (seller.affiliate_collaboration.read)';
const CREATOR_SCOPE = 'Read Creator Affiliate Collaborations';
// The key partner.tap_campaign.read is third-party only (docs/tiktok-api.md#partner-campaigns, docs/tiktok-api.md#scope-keys).
const PARTNER_SCOPE = 'Read Affiliate Partner Campaigns (partner.tap_campaign.read)';

function def(e: EndpointDef): EndpointDef {
  return Object.freeze(e);
}

export const ENDPOINTS = {
  tokenGet: def({
    name: 'token_get',
    method: 'GET',
    host: 'auth',
    path: '/api/v2/token/get',
    cipher: 'none',
    cipherRequired: false,
    scope: null,
    pageSize: null,
  }),
  tokenRefresh: def({
    name: 'token_refresh',
    method: 'GET',
    host: 'auth',
    path: '/api/v2/token/refresh',
    cipher: 'none',
    cipherRequired: false,
    scope: null,
    pageSize: null,
  }),
  // docs/tiktok-api.md#authorized-shops: seller token, NO shop_cipher (S-PHP strips it from /authorization/*).
  authorizedShops: def({
    name: 'authorized_shops',
    method: 'GET',
    host: 'api',
    path: '/authorization/202309/shops',
    cipher: 'none',
    cipherRequired: false,
    scope: null,
    pageSize: null,
  }),
  // docs/tiktok-api.md#authorized-category-assets: partner token, no cipher.
  authorizedCategoryAssets: def({
    name: 'authorized_category_assets',
    method: 'GET',
    host: 'api',
    path: '/authorization/202405/category_assets',
    cipher: 'none',
    cipherRequired: false,
    scope: null,
    pageSize: null,
  }),
  // docs/tiktok-api.md#seller-orders (page_size 1-100). category_asset_cipher is listed optional there: never sent [INF].
  sellerOrdersSearch: def({
    name: 'seller_orders_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_seller/202410/orders/search',
    cipher: 'shop_cipher',
    cipherRequired: true,
    scope: SELLER_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // docs/tiktok-api.md#creator-orders: creator token, no cipher, page_size 1-100.
  creatorOrdersSearch: def({
    name: 'creator_orders_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_creator/202410/orders/search',
    cipher: 'none',
    cipherRequired: false,
    scope: CREATOR_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // Creator trace orders: filters on pay, delivery, settle or create time. Enabled per app: an app
  // without it gets 105005, which the engine remembers per connection (it then re-scans instead).
  // Its order ids are JSON numbers beyond 2^53.
  creatorTraceOrdersSearch: def({
    name: 'creator_trace_orders_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_creator/202505/orders/trace/search',
    cipher: 'none',
    cipherRequired: false,
    scope: CREATOR_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
    numberIds: true,
  }),
  // Creator marketplace search: like the seller's, page_size 1-20, no cipher; units_sold is
  // absent when the creator has not allowed precise data sharing.
  creatorOpenCollaborationProductsSearch: def({
    name: 'creator_open_collaboration_products_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_creator/202405/open_collaborations/products/search',
    cipher: 'none',
    cipherRequired: false,
    scope: CREATOR_SCOPE,
    pageSize: { min: 1, max: 20, default: 20 },
  }),
  // The creator's received invitations: shop_id is REQUIRED in the body; page_size up to 100.
  creatorTargetCollaborationsSearch: def({
    name: 'creator_target_collaborations_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_creator/202405/target_collaborations/search',
    cipher: 'none',
    cipherRequired: false,
    scope: CREATOR_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // docs/tiktok-api.md#open-collaborations: shop_cipher required, page_size 1-100.
  openCollaborationsSearch: def({
    name: 'open_collaborations_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_seller/202412/open_collaborations/search',
    cipher: 'shop_cipher',
    cipherRequired: true,
    scope: SELLER_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // docs/tiktok-api.md#open-collaboration-product-search: shop_cipher OPTIONAL (docs/tiktok-api.md#optional-shop-cipher-on-the-product-search), page_size 1-20.
  openCollaborationProductsSearch: def({
    name: 'open_collaboration_products_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_seller/202405/open_collaborations/products/search',
    cipher: 'shop_cipher',
    cipherRequired: false,
    scope: SELLER_SCOPE,
    pageSize: { min: 1, max: 20, default: 20 },
  }),
  // docs/tiktok-api.md#target-collaborations: page_size must be 20, 50 or 100; shop_cipher required.
  targetCollaborationsSearch: def({
    name: 'target_collaborations_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_seller/202508/target_collaborations/search',
    cipher: 'shop_cipher',
    cipherRequired: true,
    scope: SELLER_SCOPE,
    pageSize: { min: 20, max: 100, default: 100, allowed: [20, 50, 100] },
  }),
  // docs/tiktok-api.md#target-collaboration-detail: no pagination.
  targetCollaborationDetail: def({
    name: 'target_collaboration_detail',
    method: 'GET',
    host: 'api',
    path: '/affiliate_seller/202508/target_collaborations/{target_collaboration_id}',
    cipher: 'shop_cipher',
    cipherRequired: true,
    scope: SELLER_SCOPE,
    pageSize: null,
  }),
  // docs/tiktok-api.md#partner-campaigns: page_size 1-100.
  partnerCampaigns: def({
    name: 'partner_campaigns',
    method: 'GET',
    host: 'api',
    path: '/affiliate_partner/202405/campaigns',
    cipher: 'category_asset_cipher',
    cipherRequired: true,
    scope: PARTNER_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // docs/tiktok-api.md#campaign-detail.
  partnerCampaignDetail: def({
    name: 'partner_campaign_detail',
    method: 'GET',
    host: 'api',
    path: '/affiliate_partner/202405/campaigns/{campaign_id}',
    cipher: 'category_asset_cipher',
    cipherRequired: true,
    scope: PARTNER_SCOPE,
    pageSize: null,
  }),
  // docs/tiktok-api.md#campaign-products: page_size required but no range documented; 1-100 like the campaign list [INF].
  partnerCampaignProducts: def({
    name: 'partner_campaign_products',
    method: 'GET',
    host: 'api',
    path: '/affiliate_partner/202405/campaigns/{campaign_id}/products',
    cipher: 'category_asset_cipher',
    cipherRequired: true,
    scope: PARTNER_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // docs/tiktok-api.md#creator-fulfillment: 202508 requires category_asset_cipher (202501 did not list it, docs/tiktok-api.md#cipher-on-the-older-fulfillment-endpoints); page_size 1-50.
  creatorFulfillmentStatus: def({
    name: 'creator_fulfillment_status',
    method: 'GET',
    host: 'api',
    path: '/affiliate_partner/202508/campaigns/{campaign_id}/products/{product_id}/performance',
    cipher: 'category_asset_cipher',
    cipherRequired: true,
    scope: PARTNER_SCOPE,
    pageSize: { min: 1, max: 50, default: 50 },
  }),
  // TAP affiliate orders: partner token + category_asset_cipher, page_size 1-100, create-time
  // bounds in the body. The newer 202603 version is reported to cap a range at three months.
  partnerOrdersSearch: def({
    name: 'partner_orders_search',
    method: 'POST',
    host: 'api',
    path: '/affiliate_partner/202411/orders/search',
    cipher: 'category_asset_cipher',
    cipherRequired: true,
    scope: PARTNER_SCOPE,
    pageSize: { min: 1, max: 100, default: 100 },
  }),
  // Campaign product statistics list 202501: no category_asset_cipher is listed for this version
  // (sending an unlisted cipher is an error), page_size optional 1-50; the last page may say "0".
  campaignProductPerformance: def({
    name: 'campaign_product_performance',
    method: 'GET',
    host: 'api',
    path: '/affiliate_partner/202501/campaigns/{campaign_id}/products/performance',
    cipher: 'none',
    cipherRequired: false,
    scope: PARTNER_SCOPE,
    pageSize: { min: 1, max: 50, default: 50 },
  }),
} as const satisfies Record<string, EndpointDef>;

/** `METHOD /path/template`: how errors, logs and metrics name an endpoint. */
export function endpointLabel(e: EndpointDef): string {
  return `${e.method} ${e.path}`;
}
