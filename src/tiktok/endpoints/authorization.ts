/**
 * Discovery endpoints (docs/tiktok-api.md#authorized-shops, docs/tiktok-api.md#authorized-category-assets): which shops / category assets a token may act on, and
 * the ciphers to use for them. Neither takes a cipher.
 */
import type { ApiClient } from '../client.ts';
import { isPlainObject } from '../envelope.ts';
import { ResponseShapeError } from '../errors.ts';
import type { AuthorizedCategoryAsset, AuthorizedShop, CallOptions, ConnectionAuth } from '../types.ts';
import { type EndpointDef, ENDPOINTS, endpointLabel } from './catalog.ts';

function listOf(endpoint: EndpointDef, data: Record<string, unknown>, key: string, requestId: string) {
  const raw = data[key] ?? [];
  if (!Array.isArray(raw)) throw drift(endpoint, requestId, `data.${key} is not an array`);
  return raw;
}

function drift(endpoint: EndpointDef, requestId: string, detail: string): ResponseShapeError {
  return new ResponseShapeError({
    endpoint: endpointLabel(endpoint),
    code: null,
    httpStatus: 200,
    requestId: requestId || null,
    detail,
  });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** GET /authorization/202309/shops (seller token). A shop without id or cipher is shape drift. */
export async function getAuthorizedShops(
  api: ApiClient,
  auth: ConnectionAuth,
  opts: CallOptions = {},
): Promise<AuthorizedShop[]> {
  const endpoint = ENDPOINTS.authorizedShops;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return listOf(endpoint, data, 'shops', requestId).map((shop, i) => {
    if (!isPlainObject(shop) || typeof shop.id !== 'string' || !shop.id || typeof shop.cipher !== 'string') {
      throw drift(endpoint, requestId, `data.shops[${i}] lacks a string id or cipher`);
    }
    return {
      id: shop.id,
      name: text(shop.name),
      region: text(shop.region),
      sellerType: text(shop.seller_type),
      cipher: shop.cipher,
      code: text(shop.code),
    };
  });
}

/**
 * GET /authorization/202405/category_assets (partner token). `category.id` is a NUMBER in the API
 * (docs/tiktok-api.md#authorized-category-assets, an exception to "ids are strings"): converted to a string here.
 */
export async function getAuthorizedCategoryAssets(
  api: ApiClient,
  auth: ConnectionAuth,
  opts: CallOptions = {},
): Promise<AuthorizedCategoryAsset[]> {
  const endpoint = ENDPOINTS.authorizedCategoryAssets;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return listOf(endpoint, data, 'category_assets', requestId).map((asset, i) => {
    const category = isPlainObject(asset) && isPlainObject(asset.category) ? asset.category : null;
    const id = category?.id;
    const idOk =
      (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id !== '');
    if (!isPlainObject(asset) || typeof asset.cipher !== 'string' || !asset.cipher || !idOk) {
      throw drift(endpoint, requestId, `data.category_assets[${i}] lacks a cipher or category.id`);
    }
    return {
      cipher: asset.cipher,
      targetMarket: text(asset.target_market),
      categoryId: String(id),
      categoryName: text(category?.name),
    };
  });
}

/** The real authorization hosts, per kind and region (TikTok Shop's authorization guide). */
const AUTHORIZE_PAGES = {
  seller: {
    global: 'https://services.tiktokshop.com/open/authorize',
    us: 'https://services.tiktokshops.us/open/authorize',
  },
  partner: {
    global: 'https://partner.tiktokshop.com/open/authorize',
    us: 'https://partner.us.tiktokshop.com/open/authorize',
  },
  creator: {
    global: 'https://shop.tiktok.com/alliance/creator/auth',
    us: 'https://shop.tiktok.com/alliance/creator/auth',
  },
} as const;

/** Path of each kind's authorization page, on the real hosts and on a simulator's auth host. */
export const AUTHORIZE_PATHS = {
  seller: '/open/authorize',
  partner: '/open/authorize',
  creator: '/alliance/creator/auth',
} as const;

export interface AuthorizationUrlInput {
  kind: 'seller' | 'creator' | 'partner';
  /** Seller and partner links name the app's service id (Partner Center, the app's page). */
  serviceId: string | null;
  /** Creator links name the app key. */
  appKey: string;
  /** Echoed back on the redirect: the callback checks it. */
  state: string;
  region: 'global' | 'us';
  /** Another page base (a simulator's auth host, a new regional host): the kind's path is appended. */
  base?: string | null;
}

/**
 * The link the account owner opens to grant the app access. TikTok redirects the browser to the
 * redirect URL set in the app's settings with `?code=...&state=...` (the code is single use, valid
 * 30 minutes). Seller and partner links take `service_id`, creator links take `app_key`; every link
 * carries `state`.
 */
export function authorizationUrl(input: AuthorizationUrlInput): string {
  const page = input.base
    ? `${input.base.replace(/\/+$/, '')}${AUTHORIZE_PATHS[input.kind]}`
    : AUTHORIZE_PAGES[input.kind][input.region];
  const url = new URL(page);
  if (input.kind === 'creator') url.searchParams.set('app_key', input.appKey);
  else {
    if (!input.serviceId) throw new Error(`a ${input.kind} authorization link needs the app's service id`);
    url.searchParams.set('service_id', input.serviceId);
  }
  url.searchParams.set('state', input.state);
  return url.toString();
}
