/**
 * Order pages are assembled in one shared byte space and sent from pooled buffers (byte-writer.ts,
 * buffer-pool.ts). With latency, many responses wait at once: none may see another's bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, pageAll, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ latencyMs: 25 });
});
afterAll(async () => {
  await f.sb.close();
});

describe('pooled response buffers', () => {
  it('concurrent page walks of every shop at several page sizes each equal the ground truth', async () => {
    const walks = f.seller.shops.flatMap((shop) =>
      [3, 5, 8, 13].map(async (size) => {
        const { records } = await pageAll(
          f,
          PATHS.sellerOrders,
          { token: f.seller.accessToken, query: { shop_cipher: shop.cipher, page_size: size }, body: {} },
          'orders',
        );
        const truth = (await f.sb.groundTruth('seller_affiliate_orders', shop.id)).groups[0]?.records ?? [];
        return { records, truth };
      }),
    );
    const results = await Promise.all(walks);
    expect(results.length).toBeGreaterThanOrEqual(4);
    for (const { records, truth } of results) {
      expect(truth.length).toBeGreaterThan(0);
      expect(records).toEqual(truth);
    }
  });
});
