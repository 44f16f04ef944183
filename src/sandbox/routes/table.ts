/**
 * Route table of the business API: real paths, versions, methods, token types, cipher rules and
 * scopes (docs/tiktok-api.md#authorized-shops, docs/tiktok-api.md#common-parameters).
 */
import type { EndpointId } from '../endpoints.ts';
import { authorizedCategoryAssets, authorizedShops } from './authorization.ts';
import type { RouteDef } from './context.ts';
import { openCollaborationProducts, openCollaborations } from './open-collaborations.ts';
import { creatorOpenCollaborationProducts, creatorTargetCollaborations } from './creator-collaborations.ts';
import { creatorOrders, creatorTraceOrders, partnerOrders, sellerOrders } from './orders.ts';
import { campaignDetail, campaignProducts, campaigns, fulfillment } from './partner.ts';
import { campaignProductPerformance } from './performance.ts';
import { targetCollaborationDetail, targetCollaborations } from './target-collaborations.ts';

const SELLER_SCOPE = 'seller.affiliate_collaboration.read';
const CREATOR_SCOPE = 'creator.affiliate_collaboration.read';
const PARTNER_SCOPE = 'partner.tap_campaign.read';

export const ROUTES: RouteDef[] = [
  {
    id: 'shops',
    method: 'GET',
    path: '/authorization/202309/shops',
    kind: 'seller',
    cipher: 'none',
    scope: null,
    family: 'seller',
    handler: authorizedShops,
  },
  {
    id: 'category_assets',
    method: 'GET',
    path: '/authorization/202405/category_assets',
    kind: 'partner',
    cipher: 'none',
    scope: null,
    family: 'partner',
    handler: authorizedCategoryAssets,
  },
  {
    id: 'seller_orders',
    method: 'POST',
    path: '/affiliate_seller/202410/orders/search',
    kind: 'seller',
    cipher: 'shop_required',
    scope: SELLER_SCOPE,
    family: 'seller',
    handler: sellerOrders,
  },
  {
    id: 'creator_orders',
    method: 'POST',
    path: '/affiliate_creator/202410/orders/search',
    kind: 'creator',
    cipher: 'none',
    scope: CREATOR_SCOPE,
    family: 'creator',
    handler: creatorOrders,
  },
  {
    // Granted with the creator scope; the creator_trace_orders=refused quirk refuses it (105005).
    id: 'creator_trace_orders',
    method: 'POST',
    path: '/affiliate_creator/202505/orders/trace/search',
    kind: 'creator',
    cipher: 'none',
    scope: CREATOR_SCOPE,
    family: 'creator',
    handler: creatorTraceOrders,
  },
  {
    id: 'creator_target_collaborations',
    method: 'POST',
    path: '/affiliate_creator/202405/target_collaborations/search',
    kind: 'creator',
    cipher: 'none',
    scope: CREATOR_SCOPE,
    family: 'creator',
    handler: creatorTargetCollaborations,
  },
  {
    id: 'creator_open_collaboration_products',
    method: 'POST',
    path: '/affiliate_creator/202405/open_collaborations/products/search',
    kind: 'creator',
    cipher: 'none',
    scope: CREATOR_SCOPE,
    family: 'creator',
    handler: creatorOpenCollaborationProducts,
  },
  {
    id: 'open_collaborations',
    method: 'POST',
    path: '/affiliate_seller/202412/open_collaborations/search',
    kind: 'seller',
    cipher: 'shop_required',
    scope: SELLER_SCOPE,
    family: 'seller',
    handler: openCollaborations,
  },
  // shop_cipher is OPTIONAL on the marketplace product search (docs/tiktok-api.md#open-collaboration-product-search, docs/tiktok-api.md#optional-shop-cipher-on-the-product-search).
  {
    id: 'open_collaboration_products',
    method: 'POST',
    path: '/affiliate_seller/202405/open_collaborations/products/search',
    kind: 'seller',
    cipher: 'shop_optional',
    scope: SELLER_SCOPE,
    family: 'seller',
    handler: openCollaborationProducts,
  },
  {
    id: 'target_collaborations',
    method: 'POST',
    path: '/affiliate_seller/202508/target_collaborations/search',
    kind: 'seller',
    cipher: 'shop_required',
    scope: SELLER_SCOPE,
    family: 'seller',
    handler: targetCollaborations,
  },
  {
    id: 'target_collaboration_detail',
    method: 'GET',
    path: '/affiliate_seller/202508/target_collaborations/{target_collaboration_id}',
    kind: 'seller',
    cipher: 'shop_required',
    scope: SELLER_SCOPE,
    family: 'seller',
    handler: targetCollaborationDetail,
  },
  {
    id: 'campaigns',
    method: 'GET',
    path: '/affiliate_partner/202405/campaigns',
    kind: 'partner',
    cipher: 'asset_required',
    scope: PARTNER_SCOPE,
    family: 'partner',
    handler: campaigns,
  },
  {
    id: 'campaign_detail',
    method: 'GET',
    path: '/affiliate_partner/202405/campaigns/{campaign_id}',
    kind: 'partner',
    cipher: 'asset_required',
    scope: PARTNER_SCOPE,
    family: 'partner',
    handler: campaignDetail,
  },
  {
    id: 'campaign_products',
    method: 'GET',
    path: '/affiliate_partner/202405/campaigns/{campaign_id}/products',
    kind: 'partner',
    cipher: 'asset_required',
    scope: PARTNER_SCOPE,
    family: 'partner',
    handler: campaignProducts,
  },
  {
    id: 'fulfillment',
    method: 'GET',
    path: '/affiliate_partner/202508/campaigns/{campaign_id}/products/{product_id}/performance',
    kind: 'partner',
    cipher: 'asset_required',
    scope: PARTNER_SCOPE,
    family: 'partner',
    handler: fulfillment,
  },
  {
    id: 'partner_orders',
    method: 'POST',
    path: '/affiliate_partner/202411/orders/search',
    kind: 'partner',
    cipher: 'asset_required',
    scope: PARTNER_SCOPE,
    family: 'partner',
    handler: partnerOrders,
  },
  // No cipher is listed for this version: sending one is "unexpected".
  {
    id: 'campaign_product_performance',
    method: 'GET',
    path: '/affiliate_partner/202501/campaigns/{campaign_id}/products/performance',
    kind: 'partner',
    cipher: 'none',
    scope: PARTNER_SCOPE,
    family: 'partner',
    handler: campaignProductPerformance,
  },
];

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

interface Compiled {
  route: RouteDef;
  segments: string[];
}

export class Router {
  private readonly exact = new Map<string, RouteDef[]>();
  private readonly patterns: Compiled[] = [];

  constructor(routes: RouteDef[] = ROUTES) {
    for (const route of routes) {
      if (route.path.includes('{')) this.patterns.push({ route, segments: route.path.split('/') });
      else this.exact.set(route.path, [...(this.exact.get(route.path) ?? []), route]);
    }
  }

  /** All routes whose path matches (any method), with path params. */
  match(path: string): RouteMatch[] {
    const exact = this.exact.get(path);
    if (exact) return exact.map((route) => ({ route, params: {} }));
    const parts = path.split('/');
    const out: RouteMatch[] = [];
    for (const c of this.patterns) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = c.segments[i] ?? '';
        const part = parts[i] ?? '';
        if (seg.startsWith('{')) {
          if (part === '') ok = false;
          else params[seg.slice(1, -1)] = decodeURIComponent(part);
        } else if (seg !== part) ok = false;
      }
      if (ok) out.push({ route: c.route, params });
    }
    return out;
  }

  byId(id: EndpointId): RouteDef | undefined {
    return ROUTES.find((r) => r.id === id);
  }
}
