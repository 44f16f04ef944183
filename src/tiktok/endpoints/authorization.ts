/**
 * Discovery endpoints (api doc §3.4, §3.5): which shops / category assets a token may act on, and
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
 * (api doc §3.5, an exception to "ids are strings"): converted to a string here.
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
