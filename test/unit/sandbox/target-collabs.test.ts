import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sandbox/prng.ts';
import { firstFree, makeTargetCollab } from '../../../src/sandbox/data/build-sellers.ts';
import { applyMutation } from '../../../src/sandbox/data/mutate.ts';
import type { TargetCollabModel } from '../../../src/sandbox/data/model.ts';
import { buildWorld } from '../../../src/sandbox/data/world.ts';

const START = Date.UTC(2026, 0, 1);

/** Target collaborations whose products or creators repeat (one product = one commission). */
function clashes(targets: Iterable<TargetCollabModel[]>): string[] {
  const bad: string[] = [];
  for (const list of targets) {
    for (const t of list) {
      const products = t.products.map((p) => p.product.id);
      const creators = t.creators.map((c) => c.profile.openId);
      if (new Set(products).size !== products.length) bad.push(`${t.id}: products ${products.join(',')}`);
      if (new Set(creators).size !== creators.length) bad.push(`${t.id}: creators ${creators.join(',')}`);
    }
  }
  return bad;
}

describe('target collaborations (build-sellers.ts)', () => {
  it('firstFree walks cyclically from the start index past taken items', () => {
    const items = ['a', 'b', 'c', 'd'];
    expect(firstFree(items, 1, new Set())).toBe('b');
    expect(firstFree(items, 1, new Set(['b', 'c']))).toBe('d');
    expect(firstFree(items, 3, new Set(['d']))).toBe('a');
    expect(firstFree(items, 0, new Set(items))).toBeUndefined();
  });

  it('never repeats a product or a creator within one collaboration, across seeds and mutations', () => {
    let total = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const w = buildWorld(seed, 'small', START);
      expect(clashes(w.targetCollabs.values())).toEqual([]);
      let nowS = Math.floor(START / 1000);
      for (let g = 0; g < 4; g++) {
        nowS += 86_400;
        applyMutation(w, nowS, 1);
      }
      expect(clashes(w.targetCollabs.values())).toEqual([]);
      for (const list of w.targetCollabs.values()) total += list.length;
    }
    expect(total).toBeGreaterThan(100);
  });

  it('stays unique and deterministic when the catalog is smaller than the draw', () => {
    const w = buildWorld(4, 'tiny', START);
    const shop = w.sellers[0]?.shops[0];
    if (!shop) throw new Error('no shop');
    // Two products only: with up to 4 draws a naive pick repeats one almost surely.
    const small = { ...shop, products: shop.products.slice(0, 2) };
    const make = (seed: number) =>
      makeTargetCollab(new Rng(seed), small, w.creatorPool, `789${seed}`, 1_770_000_000, 1_780_000_000);
    for (let seed = 0; seed < 200; seed++) {
      const t = make(seed);
      const ids = t.products.map((p) => p.product.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeLessThanOrEqual(2);
      expect(JSON.stringify(make(seed))).toBe(JSON.stringify(t));
    }
  });
});
