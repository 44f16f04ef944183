/**
 * Endpoint ids of the sandbox: the names used by fault scopes, stats and ground-truth groups.
 */
export const ENDPOINT_IDS = [
  'token_get',
  'token_refresh',
  'shops',
  'category_assets',
  'seller_orders',
  'creator_orders',
  'creator_trace_orders',
  'open_collaborations',
  'open_collaboration_products',
  'target_collaborations',
  'target_collaboration_detail',
  'campaigns',
  'campaign_detail',
  'campaign_products',
  'fulfillment',
  'partner_orders',
  'campaign_product_performance',
  'creator_target_collaborations',
  'creator_open_collaboration_products',
] as const;
export type EndpointId = (typeof ENDPOINT_IDS)[number];

/** Group names accepted as fault scopes in addition to the endpoint ids. */
export const ENDPOINT_ALIASES: Record<string, EndpointId[]> = {
  orders: ['seller_orders', 'creator_orders', 'creator_trace_orders', 'partner_orders'],
  auth: ['token_get', 'token_refresh'],
  authorization: ['shops', 'category_assets'],
  seller: [
    'shops',
    'seller_orders',
    'open_collaborations',
    'open_collaboration_products',
    'target_collaborations',
    'target_collaboration_detail',
  ],
  creator: [
    'creator_orders',
    'creator_trace_orders',
    'creator_target_collaborations',
    'creator_open_collaboration_products',
  ],
  partner: [
    'category_assets',
    'campaigns',
    'campaign_detail',
    'campaign_products',
    'fulfillment',
    'partner_orders',
  ],
  target: ['target_collaborations', 'target_collaboration_detail'],
  products: ['open_collaboration_products'],
};

export function isEndpointScope(name: string): boolean {
  return (ENDPOINT_IDS as readonly string[]).includes(name) || name in ENDPOINT_ALIASES;
}

export function scopeIncludes(scope: string, endpoint: EndpointId): boolean {
  return scope === endpoint || (ENDPOINT_ALIASES[scope]?.includes(endpoint) ?? false);
}
