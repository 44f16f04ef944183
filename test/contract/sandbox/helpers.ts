/**
 * Shared setup of the sandbox contract tests: a started sandbox, its accounts, and a pager that
 * follows next_page_token to the end.
 */
import { startSandbox } from '../../../src/sandbox/index.ts';
import type {
  Sandbox,
  SandboxCreator,
  SandboxOptions,
  SandboxPartner,
  SandboxSeller,
} from '../../../src/sandbox/types.ts';
import { type CallOptions, type CallResult, type SignedTarget, call } from './sandbox-client.ts';

/** A fixed virtual start so data and expiries are reproducible. */
export const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface Fixture {
  sb: Sandbox;
  target: SignedTarget;
  seller: SandboxSeller;
  creator: SandboxCreator;
  partner: SandboxPartner;
  shop: SandboxSeller['shops'][number];
  asset: SandboxPartner['categoryAssets'][number];
  call: (path: string, opts?: CallOptions) => Promise<CallResult>;
}

export async function startFixture(options: SandboxOptions = {}): Promise<Fixture> {
  const sb = await startSandbox({
    scale: 'tiny',
    seed: 42,
    startTimeMs: START_MS,
    rateLimitPerSecond: 0,
    ...options,
  });
  const target: SignedTarget = {
    url: sb.url,
    appKey: sb.app.appKey,
    appSecret: sb.app.appSecret,
    nowMs: () => sb.clock.nowMs(),
  };
  const seller = sb.accounts.find((a): a is SandboxSeller => a.kind === 'seller');
  const creator = sb.accounts.find((a): a is SandboxCreator => a.kind === 'creator');
  const partner = sb.accounts.find((a): a is SandboxPartner => a.kind === 'partner');
  if (!seller || !creator || !partner) throw new Error('sandbox accounts missing');
  const shop = seller.shops[0];
  const asset = partner.categoryAssets[0];
  if (!shop || !asset) throw new Error('sandbox shop/asset missing');
  return {
    sb,
    target,
    seller,
    creator,
    partner,
    shop,
    asset,
    call: (path, opts) => call(target, path, opts),
  };
}

/** Follows next_page_token until "" and returns every record of `listKey` plus the pages. */
export async function pageAll(
  f: Fixture,
  path: string,
  opts: CallOptions,
  listKey: string,
): Promise<{ records: Record<string, unknown>[]; pages: CallResult[] }> {
  const records: Record<string, unknown>[] = [];
  const pages: CallResult[] = [];
  let token = '';
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const query = { ...(opts.query ?? {}), ...(token ? { page_token: token } : {}) };
    const res = await f.call(path, { ...opts, query });
    if (res.json?.code !== 0) throw new Error(`page ${i} of ${path} failed: ${res.text}`);
    pages.push(res);
    records.push(...(res.json.data[listKey] as Record<string, unknown>[]));
    token = res.json.data.next_page_token as string;
    if (!token) return { records, pages };
    if (seen.has(token)) throw new Error('repeated page token');
    seen.add(token);
  }
  throw new Error('too many pages');
}

export const PATHS = {
  shops: '/authorization/202309/shops',
  assets: '/authorization/202405/category_assets',
  sellerOrders: '/affiliate_seller/202410/orders/search',
  creatorOrders: '/affiliate_creator/202410/orders/search',
  openCollabs: '/affiliate_seller/202412/open_collaborations/search',
  products: '/affiliate_seller/202405/open_collaborations/products/search',
  targets: '/affiliate_seller/202508/target_collaborations/search',
  target: (id: string) => `/affiliate_seller/202508/target_collaborations/${id}`,
  campaigns: '/affiliate_partner/202405/campaigns',
  campaign: (id: string) => `/affiliate_partner/202405/campaigns/${id}`,
  campaignProducts: (id: string) => `/affiliate_partner/202405/campaigns/${id}/products`,
  fulfillment: (c: string, p: string) => `/affiliate_partner/202508/campaigns/${c}/products/${p}/performance`,
  partnerOrders: '/affiliate_partner/202411/orders/search',
  tokenGet: '/api/v2/token/get',
  tokenRefresh: '/api/v2/token/refresh',
};

/** Unsigned GET/POST to the auth host or the control plane. */
export async function plain(
  url: string,
  init?: RequestInit,
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON
): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}
