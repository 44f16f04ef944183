/**
 * One cheap round of calls that proves a connection works, shared by `connections add` (before
 * anything is stored) and `doctor`: discovery (seller: authorized shops, docs/tiktok-api.md#authorized-shops; partner:
 * category assets, docs/tiktok-api.md#authorized-category-assets) and one 1-record page of the kind's main endpoint, which proves the
 * signature, the token, the scope package and the endpoint version in one go.
 */
import type { ConnectionKind } from '../../core/streams.ts';
import type { CategoryAssetRef, ShopRef } from '../../load/connections.ts';
import type { ApiClient } from '../../tiktok/client.ts';
import { getAuthorizedCategoryAssets, getAuthorizedShops } from '../../tiktok/endpoints/authorization.ts';
import { ENDPOINTS, endpointLabel } from '../../tiktok/endpoints/catalog.ts';
import { searchCreatorOrders } from '../../tiktok/endpoints/creator.ts';
import { listPartnerCampaigns } from '../../tiktok/endpoints/partner.ts';
import { searchSellerOrders } from '../../tiktok/endpoints/seller.ts';
import { refreshTokens } from '../../tiktok/endpoints/token.ts';
import type { ConnectionAuth, TokenPair, TokenSource } from '../../tiktok/types.ts';

export interface ProbeTarget {
  kind: ConnectionKind;
  appKey: string;
  appSecret: string;
  tokens: TokenSource;
  /** Creator connections: the creator's open_id (its budget scope). */
  openId: string | null;
}

export interface ProbeResult {
  shops: ShopRef[];
  categoryAssets: CategoryAssetRef[];
  /** `METHOD /path` of every endpoint that answered successfully, in call order. */
  verified: string[];
}

/** The connection works but cannot sync anything (no shop, no category asset). */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

const DAY_S = 86_400;

export async function probeConnection(
  api: ApiClient,
  target: ProbeTarget,
  opts: { nowMs: number; signal?: AbortSignal },
): Promise<ProbeResult> {
  const call = opts.signal ? { signal: opts.signal } : {};
  const base = { appKey: target.appKey, appSecret: target.appSecret, tokens: target.tokens };
  // A 1-record page over the last day: the cheapest request that still exercises the real endpoint.
  const window = {
    createTimeGe: Math.floor(opts.nowMs / 1000) - DAY_S,
    createTimeLt: Math.floor(opts.nowMs / 1000),
    pageSize: 1,
  };
  const verified: string[] = [];
  if (target.kind === 'seller') {
    const shops = await getAuthorizedShops(api, { ...base, budgetScope: `probe:${target.appKey}` }, call);
    verified.push(endpointLabel(ENDPOINTS.authorizedShops));
    const first = shops[0];
    if (!first)
      throw new ProbeError(
        'the token authorizes no shop: the seller must authorize the app for at least one shop',
      );
    const auth: ConnectionAuth = { ...base, shopCipher: first.cipher, budgetScope: first.id };
    await searchSellerOrders(api, auth, window, call);
    verified.push(endpointLabel(ENDPOINTS.sellerOrdersSearch));
    return {
      shops: shops.map((s) => ({ id: s.id, name: s.name, region: s.region, cipher: s.cipher, code: s.code })),
      categoryAssets: [],
      verified,
    };
  }
  if (target.kind === 'partner') {
    const assets = await getAuthorizedCategoryAssets(
      api,
      { ...base, budgetScope: `probe:${target.appKey}` },
      call,
    );
    verified.push(endpointLabel(ENDPOINTS.authorizedCategoryAssets));
    const first = assets[0];
    if (!first)
      throw new ProbeError(
        'the token authorizes no category asset: the partner must authorize the app for one',
      );
    await listPartnerCampaigns(
      api,
      { ...base, categoryAssetCipher: first.cipher, budgetScope: first.cipher },
      { pageSize: 1 },
      call,
    );
    verified.push(endpointLabel(ENDPOINTS.partnerCampaigns));
    return {
      shops: [],
      categoryAssets: assets.map((a) => ({
        cipher: a.cipher,
        target_market: a.targetMarket,
        category_id: a.categoryId,
        category_name: a.categoryName,
      })),
      verified,
    };
  }
  await searchCreatorOrders(
    api,
    { ...base, budgetScope: target.openId ?? `probe:${target.appKey}` },
    window,
    call,
  );
  verified.push(endpointLabel(ENDPOINTS.creatorOrdersSearch));
  return { shops: [], categoryAssets: [], verified };
}

/**
 * Tokens held in memory for a connection that is not stored yet: `connections add` with an access
 * token that turns out to be expired refreshes it here (docs/tiktok-api.md#refreshing), and the fresh pair is what
 * gets stored.
 */
export class MemoryTokens implements TokenSource {
  constructor(
    private readonly api: ApiClient,
    private readonly app: { appKey: string; appSecret: string },
    public current: Pick<
      TokenPair,
      'accessToken' | 'refreshToken' | 'accessTokenExpiresAt' | 'refreshTokenExpiresAt'
    > & {
      grantedScopes?: string[];
    },
  ) {}

  async accessToken(): Promise<string> {
    return this.current.accessToken;
  }

  async refreshAfterExpiry(rejected: string, signal?: AbortSignal): Promise<string> {
    if (rejected !== this.current.accessToken) return this.current.accessToken;
    const next = await refreshTokens(
      this.api,
      { ...this.app, refreshToken: this.current.refreshToken },
      signal ? { signal } : {},
    );
    this.current = next;
    return next.accessToken;
  }
}
