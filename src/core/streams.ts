/**
 * The streams and the connection kinds that own them.
 * Names are part of the CLI and warehouse contract: never rename one.
 */
export const CONNECTION_KINDS = ['seller', 'creator', 'partner'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export const STREAMS = [
  'seller_affiliate_orders',
  'creator_affiliate_orders',
  'open_collaborations',
  'open_collaboration_products',
  'target_collaborations',
  'partner_campaigns',
  'campaign_creator_fulfillment',
  'partner_affiliate_orders',
  'campaign_product_performance',
  'creator_target_collaborations',
  'creator_open_collaboration_products',
] as const;
export type StreamName = (typeof STREAMS)[number];

/** Which connection kind feeds each stream. */
export const STREAM_KIND: Record<StreamName, ConnectionKind> = {
  seller_affiliate_orders: 'seller',
  creator_affiliate_orders: 'creator',
  open_collaborations: 'seller',
  open_collaboration_products: 'seller',
  target_collaborations: 'seller',
  partner_campaigns: 'partner',
  campaign_creator_fulfillment: 'partner',
  partner_affiliate_orders: 'partner',
  campaign_product_performance: 'partner',
  creator_target_collaborations: 'creator',
  creator_open_collaboration_products: 'creator',
};

export type StreamStrategy = 'windowed' | 'snapshot';
export const STREAM_STRATEGY: Record<StreamName, StreamStrategy> = {
  seller_affiliate_orders: 'windowed',
  creator_affiliate_orders: 'windowed',
  open_collaborations: 'snapshot',
  open_collaboration_products: 'snapshot',
  target_collaborations: 'snapshot',
  partner_campaigns: 'snapshot',
  campaign_creator_fulfillment: 'snapshot',
  partner_affiliate_orders: 'windowed',
  campaign_product_performance: 'snapshot',
  creator_target_collaborations: 'snapshot',
  creator_open_collaboration_products: 'snapshot',
};

/**
 * Streams that read what another stream of the same connection loaded: the creator's invitations
 * are searched per shop, and the shops are those its synced orders name. A full sync (the quick
 * start) runs these after the rest; a schedule simply sees the orders of the previous runs.
 */
export const STREAM_READS: Partial<Record<StreamName, StreamName>> = {
  creator_target_collaborations: 'creator_affiliate_orders',
};

export function isStreamName(value: string): value is StreamName {
  return (STREAMS as readonly string[]).includes(value);
}
