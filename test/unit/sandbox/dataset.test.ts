import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocalizedIdr, formatMinor } from '../../../src/sandbox/money.ts';
import { numericId, permute32 } from '../../../src/sandbox/prng.ts';
import { fateOf, phaseAt } from '../../../src/sandbox/data/settlement.ts';
import { OrderTimeline } from '../../../src/sandbox/data/timeline.ts';
import { buildWorld } from '../../../src/sandbox/data/world.ts';

describe('ids', () => {
  it('permute32 is a bijection on a sample (no collisions)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(permute32(i, 0xabc));
    expect(seen.size).toBe(200_000);
  });

  it('numericId has the requested length, digits only, unique per index', () => {
    const ids = new Set<string>();
    let wellFormed = true;
    for (let i = 0; i < 50_000; i++) {
      const id = numericId('570', i, 99);
      wellFormed &&= /^570\d{16}$/.test(id);
      ids.add(id);
    }
    expect(wellFormed).toBe(true);
    expect(ids.size).toBe(50_000);
  });
});

describe('money as decimal strings', () => {
  it('formats minor units per currency', () => {
    expect(formatMinor(12345, 'USD')).toBe('123.45');
    expect(formatMinor(5, 'GBP')).toBe('0.05');
    expect(formatMinor(0, 'USD')).toBe('0.00');
    expect(formatMinor(159000, 'IDR')).toBe('159000');
  });

  it('formats localized IDR like the official example (docs/tiktok-api.md#creator-orders)', () => {
    expect(formatLocalizedIdr(9900)).toBe('Rp9.900');
    expect(formatLocalizedIdr(1234567)).toBe('Rp1.234.567');
    expect(formatLocalizedIdr(500)).toBe('Rp500');
  });
});

describe('order timeline', () => {
  it('create times are non-decreasing and lowerBound matches a linear scan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 1, max: 100_000, noNaN: true }),
        (key, interval) => {
          const tl = new OrderTimeline(1_700_000_000, interval, key);
          const times = Array.from({ length: 300 }, (_, i) => tl.createTime(i));
          for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] ?? 0);
          for (const t of [times[0] ?? 0, times[17] ?? 0, (times[120] ?? 0) + 1, 1_600_000_000]) {
            const expected = times.findIndex((x) => x >= t);
            expect(tl.lowerBound(t)).toBe(expected);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('range() excludes orders created after now', () => {
    const tl = new OrderTimeline(1_000_000, 100, 7);
    const { lo, hi } = tl.range(0, Number.MAX_SAFE_INTEGER, 1_000_000 + 100 * 50);
    expect(lo).toBe(0);
    expect(tl.createTime(hi - 1)).toBeLessThanOrEqual(1_000_000 + 100 * 50);
    expect(tl.createTime(hi)).toBeGreaterThan(1_000_000 + 100 * 50);
  });
});

describe('settlement', () => {
  it('every order is final within 80 days and settles 3-60 days after creation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 1e7 }), (key, index) => {
        const created = 1_700_000_000;
        const fate = fateOf(key, index, created);
        expect(fate.settleAtS - created).toBeGreaterThanOrEqual(3 * 86_400);
        expect(fate.settleAtS - created).toBeLessThan(61 * 86_400);
        expect(phaseAt(fate, created)).toBe('open');
        expect(['completed', 'cancelled', 'deducted']).toContain(phaseAt(fate, created + 80 * 86_400));
      }),
      { numRuns: 500 },
    );
  });
});

describe('world', () => {
  it('is deterministic from (seed, scale, start)', () => {
    const a = buildWorld(9, 'tiny', Date.UTC(2026, 0, 1));
    const b = buildWorld(9, 'tiny', Date.UTC(2026, 0, 1));
    expect(a.appKey).toBe(b.appKey);
    expect(JSON.stringify([...a.openCollabs.values()])).toBe(JSON.stringify([...b.openCollabs.values()]));
    const shop = [...a.sellerOrders.values()][0];
    const shopB = [...b.sellerOrders.values()][0];
    expect(shop?.buildJson(5, 1_800_000_000)).toBe(shopB?.buildJson(5, 1_800_000_000));
    expect(buildWorld(10, 'tiny', Date.UTC(2026, 0, 1)).appKey).not.toBe(a.appKey);
  });

  it('large scale holds >= 1,000,000 seller lines across 4 shops without materializing them', () => {
    const start = Date.UTC(2026, 0, 1);
    const w = buildWorld(1, 'large', start);
    expect(w.shopsById.size).toBe(4);
    const nowS = Math.floor(start / 1000);
    let orders = 0;
    for (const src of w.sellerOrders.values()) {
      const { lo, hi } = src.timeline.range(0, nowS + 1, nowS);
      orders += hi - lo;
    }
    // ~1.55 lines per order on average (settlement.ts).
    expect(orders * 1.55).toBeGreaterThan(1_000_000);
  });

  it('seller order JSON text and object form agree', () => {
    const w = buildWorld(3, 'tiny', Date.UTC(2026, 0, 1));
    const src = [...w.sellerOrders.values()][0];
    if (!src) throw new Error('no shop');
    for (let i = 0; i < 50; i++)
      expect(src.build(i, 1_770_000_000)).toEqual(JSON.parse(src.buildJson(i, 1_770_000_000)));
  });
});
