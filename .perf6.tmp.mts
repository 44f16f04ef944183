import { startSandbox } from './src/sandbox/index.ts';
import * as t from './src/tiktok/index.ts';
import { Redis } from 'ioredis';
const sb = await startSandbox({ scale: 'small', rateLimitPerSecond: 50, latencyMs: 150 });
const redis = new Redis('redis://127.0.0.1:56379');
const budget = t.createRedisRateBudget(redis, { ratePerSecond: 50, prefix: `t:perf6:${Date.now()}:` });
const api = t.createApiClient({ apiBaseUrl: sb.url, authBaseUrl: sb.authUrl, now: () => sb.clock.nowMs(), budget });
const sellers = sb.accounts.filter((a) => a.kind === 'seller') as any[];
const shops = sellers.flatMap((s) => s.shops.map((sh: any) => ({ token: s.accessToken, shop: sh })));
const durMs = 8000; let n = 0;
const t0 = performance.now();
await Promise.all(shops.flatMap(({ token, shop }) => Array.from({ length: 10 }, async () => {
  const auth = { appKey: sb.app.appKey, appSecret: sb.app.appSecret, tokens: { accessToken: async () => token, refreshAfterExpiry: async () => token }, shopCipher: shop.cipher, budgetScope: shop.id };
  while (performance.now() - t0 < durMs) { await t.searchSellerOrders(api, auth, { pageSize: 10 }); n++; }
})));
const s = (performance.now() - t0) / 1000;
const st = sb.stats();
console.log('shops', shops.length, 'utilization', +(n / s / 50 / shops.length).toFixed(3), 'throttled', st.throttled, 'peakRpsPerKey', st.peakRpsPerKey);
redis.disconnect(); await sb.close();
