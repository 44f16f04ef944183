/**
 * startSandbox(): a faithful, stateful local simulator of the TikTok Shop affiliate APIs, served
 * over HTTP (contract in ./types.ts). The pipeline never imports this module; tests, benchmarks
 * and the quick start start it and talk to it over HTTP like the real service.
 */
import type { AddressInfo } from 'node:net';
import { SandboxApi } from './api.ts';
import { VirtualClock } from './clock.ts';
import { controlHandler } from './control.ts';
import { applyMutation } from './data/mutate.ts';
import { OrderPager } from './data/order-source.ts';
import { buildWorld } from './data/world.ts';
import { FaultEngine, parseFaultSpec } from './faults.ts';
import { groundTruth } from './ground-truth.ts';
import { PageTokenCodec } from './page-token.ts';
import { type SandboxQuirks, parseQuirks, resolveQuirks } from './quirks.ts';
import { RateLimiter } from './rate-limit.ts';
import { type ConsentAccount, consentPage } from './routes/consent.ts';
import { Router } from './routes/table.ts';
import { isSandboxScale } from './scale.ts';
import { type AwaitingAuth, createSandboxServer } from './server.ts';
import { StatsCollector } from './stats.ts';
import { type AccountInfo, TokenStore } from './tokens.ts';
import type { Sandbox, SandboxAccount, SandboxOptions, SandboxTokenGrant } from './types.ts';

export type * from './types.ts';
export { DEFAULT_QUIRKS, QUIRK_PROFILES, parseQuirks } from './quirks.ts';

function grant(
  tokens: TokenStore,
  openId: string,
  scopes?: string[],
): SandboxTokenGrant & { family: number } {
  const pair = tokens.issue(openId, scopes);
  return {
    authCode: tokens.newAuthCode(openId, scopes),
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessTokenExpiresAt: pair.accessTokenExpiresAt,
    refreshTokenExpiresAt: pair.refreshTokenExpiresAt,
    openId,
    family: pair.family,
  };
}

function checkedLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new Error(`sandbox: latencyBeforeAuthMs must be a number >= 0, got ${String(ms)}`);
  return ms;
}

/** The app's redirect URL when none is given: the localhost URL TikTok's guide shows as valid. */
export const DEFAULT_REDIRECT_URL = 'http://localhost:8000/';

/** The simulated app's service id (seller and partner authorization links name it), from its key. */
function sandboxServiceId(appKey: string): string {
  return `7${Number.parseInt(appKey, 16).toString().padStart(8, '0')}`;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 'tiny';
  let latencyBeforeAuthMs = checkedLatency(options.latencyBeforeAuthMs ?? 0);
  if (!isSandboxScale(scale))
    throw new Error(`sandbox: unknown scale "${String(scale)}" (tiny, small, medium, large)`);
  const host = options.host ?? '127.0.0.1';
  const clock = new VirtualClock(options.startTimeMs);
  const world = buildWorld(seed, scale, clock.nowMs());
  const tokens = new TokenStore(clock, seed);
  // The old errorStatusMode option is the errorStatus switch; an explicit quirk wins over it.
  let quirks: SandboxQuirks = resolveQuirks({
    ...(options.errorStatusMode ? { errorStatus: options.errorStatusMode } : {}),
    ...options.quirks,
  });
  tokens.rotatedAnswer = () => quirks.rotatedAccessToken;

  // Accounts and their initial grants; the listing follows refreshes of that first token family.
  const accounts: SandboxAccount[] = [];
  const consentAccounts: ConsentAccount[] = [];
  const families = new Map<number, SandboxAccount>();
  const add = (info: AccountInfo, build: (g: SandboxTokenGrant) => SandboxAccount) => {
    tokens.addAccount(info);
    consentAccounts.push({ kind: info.kind, openId: info.id, name: info.name });
    const { family, ...g } = grant(tokens, info.id);
    const account = build(g);
    accounts.push(account);
    families.set(family, account);
  };
  for (const seller of world.sellers) {
    add({ id: seller.openId, kind: 'seller', name: seller.name, region: seller.region }, (g) => ({
      kind: 'seller',
      ...g,
      shops: seller.shops.map((s) => ({ id: s.id, name: s.name, cipher: s.cipher, region: s.region })),
    }));
  }
  for (const creator of world.creators) {
    add(
      { id: creator.openId, kind: 'creator', name: creator.profile.nickname, region: creator.profile.region },
      (g) => ({
        kind: 'creator',
        ...g,
      }),
    );
  }
  const partner = world.partner;
  add({ id: partner.openId, kind: 'partner', name: partner.name, region: partner.region }, (g) => ({
    kind: 'partner',
    ...g,
    categoryAssets: partner.assets.map((a) => ({
      cipher: a.cipher,
      targetMarket: a.targetMarket,
      categoryId: String(a.categoryId),
      categoryName: a.categoryName,
    })),
  }));
  tokens.onRotate = (pair) => {
    const account = families.get(pair.family);
    if (!account) return;
    account.accessToken = pair.accessToken;
    account.refreshToken = pair.refreshToken;
    account.accessTokenExpiresAt = pair.accessTokenExpiresAt;
    account.refreshTokenExpiresAt = pair.refreshTokenExpiresAt;
  };
  const freshCodes = () => {
    for (const account of accounts) {
      if (!tokens.codeUsable(account.authCode)) account.authCode = tokens.newAuthCode(account.openId);
    }
  };

  let faults = new FaultEngine(parseFaultSpec(options.faults ?? ''), seed);
  const stats = new StatsCollector();
  const pager = new OrderPager();
  const api = new SandboxApi({
    world,
    clock,
    tokens,
    stats,
    limiter: new RateLimiter(options.rateLimitPerSecond ?? 50),
    codec: new PageTokenCodec(`${world.appSecret}:${seed}:page-token`),
    pager,
    router: new Router(),
    faults: () => faults,
    quirks: () => quirks,
    baseLatencyMs: options.latencyMs ?? 0,
  });

  const awaitingAuth = new Set<AwaitingAuth>();
  let sandbox: Sandbox | null = null;
  const serviceId = sandboxServiceId(world.appKey);
  const redirectUrl = options.redirectUrl ?? DEFAULT_REDIRECT_URL;
  const server = createSandboxServer(
    api,
    stats,
    controlHandler(() => {
      if (!sandbox) throw new Error('sandbox not started');
      return sandbox;
    }),
    (path, query) =>
      consentPage(
        {
          appKey: world.appKey,
          serviceId,
          redirectUrl,
          accounts: () => consentAccounts,
          newAuthCode: (openId) => tokens.newAuthCode(openId),
        },
        path,
        query,
      ),
    { latencyBeforeAuthMs: () => latencyBeforeAuthMs, awaitingAuth },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const started: Sandbox = {
    url,
    authUrl: url,
    app: { appKey: world.appKey, appSecret: world.appSecret, serviceId },
    redirectUrl,
    get accounts() {
      freshCodes();
      return accounts;
    },
    clock: { nowMs: () => clock.nowMs(), advance: (ms) => clock.advance(ms) },
    async mutate(days) {
      if (!Number.isFinite(days) || days < 0) throw new Error(`mutate: days must be >= 0, got ${days}`);
      clock.advance(days * 86_400_000);
      applyMutation(world, clock.nowSeconds(), days);
    },
    setFaults(spec) {
      faults = new FaultEngine(parseFaultSpec(spec ?? ''), seed);
    },
    get quirks() {
      return { ...quirks };
    },
    setQuirks(next) {
      quirks = resolveQuirks(typeof next === 'string' ? parseQuirks(next) : (next ?? {}));
    },
    setLatencyBeforeAuthMs(ms) {
      latencyBeforeAuthMs = checkedLatency(ms);
    },
    revoke: (accessToken) => tokens.revoke(accessToken),
    expire: (accessToken) => tokens.expire(accessToken),
    async groundTruth(stream, ownerId, criteria) {
      return groundTruth(world, pager, clock.nowMs(), stream, ownerId, criteria);
    },
    issueGrant(openId, grantOptions) {
      const { family: _family, ...g } = grant(tokens, openId, grantOptions?.scopes);
      return g;
    },
    awaitingAuth: () => [...awaitingAuth].map((w) => ({ ...w })),
    requestLog: () => stats.requestLog(),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  sandbox = started;
  return started;
}
