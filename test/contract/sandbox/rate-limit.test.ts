import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ rateLimitPerSecond: 5, scale: 'small' });
});
afterAll(async () => {
  await f.sb.close();
});

const burst = (n: number, shopCipher: string, path = PATHS.sellerOrders) =>
  Promise.all(
    Array.from({ length: n }, () =>
      f.call(path, {
        token: f.seller.accessToken,
        query: { shop_cipher: shopCipher, page_size: 1 },
        body: {},
      }),
    ),
  );

describe('rate limit per (app, shop, path) (docs/tiktok-api.md#rate-limits)', () => {
  it('throttles beyond the limit with HTTP 429 {"code":36009002}, no Retry-After by default', async () => {
    f.sb.resetStats();
    const t0 = performance.now();
    const results = await burst(15, f.shop.cipher);
    const elapsedS = (performance.now() - t0) / 1000;
    const ok = results.filter((r) => r.status === 200 && r.json.code === 0).length;
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(5 * Math.ceil(elapsedS + 1));
    expect(throttled[0]?.json.code).toBe(36009002);
    expect(throttled[0]?.json.message).toMatch(/^Too many requests/);
    expect(throttled[0]?.headers.get('retry-after')).toBeNull();
    const stats = f.sb.stats();
    expect(stats.throttled).toBe(throttled.length);
    expect(stats.peakRpsPerKey).toBeGreaterThanOrEqual(6);
  });

  it('another shop and another path have their own budgets', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    await burst(8, f.shop.cipher);
    const otherShop = f.seller.shops[1];
    if (!otherShop) throw new Error('small scale has two shops for seller 1');
    const other = await burst(1, otherShop.cipher);
    expect(other[0]?.json.code).toBe(0);
    const otherPath = await burst(1, f.shop.cipher, PATHS.openCollabs);
    expect(otherPath[0]?.json.code).toBe(0);
  });

  it('admits again once the window has passed', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const [res] = await burst(1, f.shop.cipher);
    expect(res?.json.code).toBe(0);
  });
});

describe('default limit', () => {
  it('is 50 requests per second', async () => {
    const d = await startFixture({ rateLimitPerSecond: undefined });
    try {
      const t0 = performance.now();
      const results = await Promise.all(
        Array.from({ length: 80 }, () => d.call(PATHS.shops, { token: d.seller.accessToken })),
      );
      const elapsedS = (performance.now() - t0) / 1000;
      const ok = results.filter((r) => r.status === 200).length;
      expect(ok).toBeGreaterThanOrEqual(50);
      expect(ok).toBeLessThanOrEqual(50 * Math.ceil(elapsedS + 1));
      if (elapsedS < 0.9) expect(ok).toBe(50);
    } finally {
      await d.sb.close();
    }
  });
});
