/**
 * The client against the real sandbox over HTTP (CONTRIBUTING.md#test-tiers, contract tier). Each test
 * file starts its own sandbox (tiny scale, a free port) and builds ConnectionAuth values from the
 * sandbox's accounts, exactly as the pipeline would from stored connections.
 */
import { startSandbox } from '../../../src/sandbox/index.ts';
import type { Sandbox, SandboxOptions, SandboxPartner, SandboxSeller } from '../../../src/sandbox/types.ts';
import { type ApiClient, type ApiClientOptions, createApiClient } from '../../../src/tiktok/client.ts';
import type { ConnectionAuth, Page, TokenSource } from '../../../src/tiktok/types.ts';

export interface Fixture {
  sb: Sandbox;
  api: ApiClient;
  seller: ConnectionAuth;
  creator: ConnectionAuth;
  partner: ConnectionAuth;
  shopId: string;
  creatorOpenId: string;
  assetCipher: string;
  /** A client with other options against the same sandbox. */
  client(extra?: Partial<ApiClientOptions>): ApiClient;
}

/** A token source that always hands out one fixed token (the sandbox account's). */
export function fixedToken(token: string): TokenSource {
  return { accessToken: async () => token, refreshAfterExpiry: async () => token };
}

export async function startFixture(
  options: SandboxOptions = {},
  extra: Partial<ApiClientOptions> = {},
): Promise<Fixture> {
  const sb = await startSandbox({ scale: 'tiny', ...options });
  const seller = sb.accounts.find((a): a is SandboxSeller => a.kind === 'seller');
  const creator = sb.accounts.find((a) => a.kind === 'creator');
  const partner = sb.accounts.find((a): a is SandboxPartner => a.kind === 'partner');
  const shop = seller?.shops[0];
  const asset = partner?.categoryAssets[0];
  if (!seller || !creator || !partner || !shop || !asset)
    throw new Error('sandbox tiny scale lacks an account');
  const base = { appKey: sb.app.appKey, appSecret: sb.app.appSecret };
  const client = (more: Partial<ApiClientOptions> = {}) =>
    createApiClient({
      apiBaseUrl: sb.url,
      authBaseUrl: sb.authUrl,
      now: () => sb.clock.nowMs(),
      retry: { retries: 6, minTimeoutMs: 5, maxTimeoutMs: 50 },
      timeoutMs: 5000,
      ...extra,
      ...more,
    });
  return {
    sb,
    api: client(),
    client,
    seller: {
      ...base,
      tokens: fixedToken(seller.accessToken),
      shopCipher: shop.cipher,
      budgetScope: shop.id,
    },
    creator: { ...base, tokens: fixedToken(creator.accessToken), budgetScope: creator.openId },
    partner: {
      ...base,
      tokens: fixedToken(partner.accessToken),
      categoryAssetCipher: asset.cipher,
      budgetScope: asset.cipher,
    },
    shopId: shop.id,
    creatorOpenId: creator.openId,
    assetCipher: asset.cipher,
  };
}

/** Walks every page of a list endpoint the way the engine does, guarding against loops. */
export async function walk(fetchPage: (pageToken: string | undefined) => Promise<Page>, maxPages = 500) {
  const records: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  let totalCount: number | null = null;
  do {
    const page = await fetchPage(token);
    pages += 1;
    totalCount = page.totalCount;
    records.push(...page.records);
    if (page.records.length === 0 || page.nextPageToken === null) break;
    if (seen.has(page.nextPageToken)) throw new Error(`page token repeated after ${pages} pages`);
    seen.add(page.nextPageToken);
    token = page.nextPageToken;
  } while (pages < maxPages);
  return { records, pages, totalCount };
}

export function ids(records: Record<string, unknown>[], key = 'id'): string[] {
  return records.map((r) => String(r[key]));
}
