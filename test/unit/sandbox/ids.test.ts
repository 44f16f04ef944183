/** Issue 14: seeds 12 and 13 shared a seller open_id and a shop id. */
import { describe, expect, it } from 'vitest';
import { buildSellers } from '../../../src/sandbox/data/build-sellers.ts';
import { buildWorld } from '../../../src/sandbox/data/world.ts';
import { worldId } from '../../../src/sandbox/prng.ts';

const START = Date.UTC(2026, 0, 15);

describe('seller open_ids and shop ids', () => {
  it('never repeat across seeds 0..200 (two sellers of up to three shops each)', () => {
    const sellers = new Map<string, string>();
    const shops = new Map<string, string>();
    for (let seed = 0; seed <= 200; seed++) {
      buildSellers(seed, [3, 2], 1).forEach((seller, s) => {
        const where = `seed ${seed} seller ${s}`;
        expect(sellers.get(seller.openId), `${seller.openId} of ${where}`).toBeUndefined();
        sellers.set(seller.openId, where);
        for (const shop of seller.shops) {
          expect(shops.get(shop.id), `${shop.id} of ${where} shop ${shop.index}`).toBeUndefined();
          shops.set(shop.id, `${where} shop ${shop.index}`);
          expect(shop.sellerOpenId).toBe(seller.openId);
        }
      });
    }
    expect(sellers.size).toBe(201 * 2);
    expect(shops.size).toBe(201 * 5);
  });

  it('seeds 12 and 13 of the small world share none (the reported case)', () => {
    const ids = (seed: number) =>
      buildWorld(seed, 'small', START).sellers.flatMap((s) => [s.openId, ...s.shops.map((shop) => shop.id)]);
    const a = ids(12);
    const b = new Set(ids(13));
    expect(a).toHaveLength(5);
    expect(a.filter((id) => b.has(id))).toEqual([]);
  });

  it('keep their shape: 19 digits under their prefixes, and the same for the same seed', () => {
    const [seller] = buildSellers(7, [2], 1);
    expect(seller?.openId).toMatch(/^70107\d{14}$/);
    for (const shop of seller?.shops ?? []) expect(shop.id).toMatch(/^7000\d{15}$/);
    expect(buildSellers(7, [2], 1)).toEqual(buildSellers(7, [2], 1));
  });
});

describe('worldId', () => {
  it('is distinct for every (seed, index) pair, including neighbouring and large seeds', () => {
    const seen = new Set<string>();
    const seeds = [...Array.from({ length: 300 }, (_, i) => i), 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
    for (const seed of seeds) {
      for (let index = 0; index < 40; index++) seen.add(worldId('7000', seed, index, 0x51f3a9));
    }
    expect(seen.size).toBe(seeds.length * 40);
  });

  it('refuses an index that does not fit its filler digits', () => {
    expect(worldId('70107', 1, 9999, 1)).toMatch(/^70107\d{14}$/);
    expect(() => worldId('70107', 1, 10_000, 1)).toThrow(/does not fit the 4 filler digits/);
    expect(() => worldId('7000', 1, -1, 1)).toThrow(/does not fit/);
    expect(() => worldId('123456789', 1, 0, 1, 19)).toThrow(/does not fit the 0 filler digits/);
  });
});
