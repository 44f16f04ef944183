import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/sandbox/clock.ts';
import { applyDrift } from '../../../src/sandbox/drift.ts';
import { ApiError } from '../../../src/sandbox/errors.ts';
import { FaultEngine, parseFaultSpec } from '../../../src/sandbox/faults.ts';
import { PageTokenCodec } from '../../../src/sandbox/page-token.ts';
import { RateLimiter, RpsMeter } from '../../../src/sandbox/rate-limit.ts';

describe('fault spec grammar', () => {
  it('parses the documented example', () => {
    const spec = parseFaultSpec(
      '5xx=0.1;429burst=0.05x20;latency=normal(150,30);reset=0.01;truncate=0.01;page_token_expired=once;' +
        'token_expiry_after=200;drift.extra=0.02;orders:5xx=0.2;retry_after=3;errors=4xx',
    );
    expect(spec.clauses).toHaveLength(9);
    expect(spec.clauses).toContainEqual({ scope: 'orders', kind: '5xx', p: 0.2 });
    expect(spec.clauses).toContainEqual({ scope: null, kind: '429burst', p: 0.05, n: 20 });
    expect(spec.clauses).toContainEqual({
      scope: null,
      kind: 'latency',
      dist: { type: 'normal', mean: 150, sd: 30 },
    });
    expect(spec.retryAfterS).toBe(3);
    expect(spec.errorMode).toBe('4xx');
  });

  it('accepts latency forms and ignores empty clauses', () => {
    expect(parseFaultSpec(' latency=120 ;; ').clauses).toEqual([
      { scope: null, kind: 'latency', dist: { type: 'fixed', ms: 120 } },
    ]);
    expect(parseFaultSpec('latency=uniform(5,9)').clauses[0]).toMatchObject({
      dist: { type: 'uniform', min: 5, max: 9 },
    });
    expect(parseFaultSpec('latency=exp(40)').clauses[0]).toMatchObject({ dist: { type: 'exp', mean: 40 } });
  });

  it('rejects bad clauses with clear messages', () => {
    expect(() => parseFaultSpec('5xx=2')).toThrow('not a probability');
    expect(() => parseFaultSpec('boom=1')).toThrow('unknown kind "boom"');
    expect(() => parseFaultSpec('nowhere:5xx=0.1')).toThrow('unknown scope "nowhere"');
    expect(() => parseFaultSpec('429burst=0.1')).toThrow('429burst=PxN');
    expect(() => parseFaultSpec('latency=gauss(1)')).toThrow('latency must be');
    expect(() => parseFaultSpec('5xx')).toThrow('expected kind=value');
    expect(() => parseFaultSpec('token_expiry_after=0')).toThrow('positive integer');
  });

  it('decisions are seeded and respect scopes', () => {
    const run = () => {
      const e = new FaultEngine(parseFaultSpec('internal=0.5'), 1);
      return Array.from({ length: 40 }, () => e.decide('seller_orders', false).action);
    };
    expect(run()).toEqual(run());
    const scoped = new FaultEngine(parseFaultSpec('partner:5xx=1'), 1);
    expect(scoped.decide('seller_orders', false).action).toBe('none');
    expect(scoped.decide('fulfillment', false).action).toBe('5xx');
  });

  it('token_expiry_after stays armed until confirmTokenExpiry(), then fires no more', () => {
    const e = new FaultEngine(parseFaultSpec('token_expiry_after=1;shops:429=1'), 1);
    expect(e.decide('seller_orders', false).expireToken).toBe(false);
    const both = e.decide('shops', false);
    expect(both).toMatchObject({ action: '429', expireToken: true });
    // The 429 answered first and expired nothing: the expiry is still armed.
    expect(e.decide('seller_orders', false).expireToken).toBe(true);
    e.confirmTokenExpiry('seller_orders');
    expect(e.decide('seller_orders', false).expireToken).toBe(false);
  });

  it('a scoped token_expiry_after is confirmed only by its own endpoints', () => {
    const e = new FaultEngine(parseFaultSpec('orders:token_expiry_after=1'), 1);
    e.decide('seller_orders', false);
    expect(e.decide('seller_orders', false).expireToken).toBe(true);
    e.confirmTokenExpiry('shops');
    expect(e.decide('seller_orders', false).expireToken).toBe(true);
    e.confirmTokenExpiry('creator_orders');
    expect(e.decide('seller_orders', false).expireToken).toBe(false);
  });

  it('a 429 burst lasts exactly N requests', () => {
    const e = new FaultEngine(parseFaultSpec('429burst=1x3'), 1);
    expect([0, 1, 2].map(() => e.decide('shops', false).action)).toEqual(['429', '429', '429']);
  });
});

describe('page tokens', () => {
  const codec = new PageTokenCodec('secret', 1000);

  it('round-trips a keyset position bound to a fingerprint', () => {
    const token = codec.encode('fp1', [42, 'x'], 0);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(token, 'fp1', 500)).toEqual([42, 'x']);
  });

  it('rejects other queries, tampering, garbage and age with ApiError 36009004', () => {
    const token = codec.encode('fp1', [42], 0);
    const code = (f: () => unknown) => {
      try {
        f();
        return 0;
      } catch (e) {
        return e instanceof ApiError ? e.code : -1;
      }
    };
    expect(code(() => codec.decode(token, 'fp2', 0))).toBe(36009004);
    const forged = Buffer.from(Buffer.from(token, 'base64url').toString().replace('[42]', '[43]')).toString(
      'base64url',
    );
    expect(code(() => codec.decode(forged, 'fp1', 0))).toBe(36009004);
    expect(code(() => codec.decode('b2Zmc2V0PTEw', 'fp1', 0))).toBe(36009004);
    expect(code(() => codec.decode(token, 'fp1', 1001))).toBe(36009004);
    expect(code(() => new PageTokenCodec('other').decode(token, 'fp1', 0))).toBe(36009004);
  });

  it('decodes the same whether or not it still remembers issuing the token', () => {
    // A recently issued token skips the tag check; an older one, or one issued by another instance
    // with the same secret (a restarted sandbox), takes the full check, with the same result.
    const old = codec.encode('fp1', [7, 'k'], 0);
    const sameSecret = new PageTokenCodec('secret', 1000);
    expect(sameSecret.decode(old, 'fp1', 10)).toEqual([7, 'k']);
    for (let i = 0; i < 1100; i++) codec.encode('fp1', [i], 0);
    expect(codec.decode(old, 'fp1', 10)).toEqual([7, 'k']);
    expect(() => codec.decode(old, 'fp2', 10)).toThrow(ApiError);
    expect(() => codec.decode(old, 'fp1', 1001)).toThrow(ApiError);
  });
});

describe('rate limiter and meter', () => {
  it('admits `limit` per sliding second per key', () => {
    let t = 0;
    const rl = new RateLimiter(3, () => t);
    expect([rl.admit('a'), rl.admit('a'), rl.admit('a'), rl.admit('a')]).toEqual([true, true, true, false]);
    expect(rl.admit('b')).toBe(true);
    t = 999;
    expect(rl.admit('a')).toBe(false);
    t = 1000;
    expect(rl.admit('a')).toBe(true);
    expect(new RateLimiter(0).admit('x')).toBe(true);
  });

  it('meters the peak arrivals per key in one second', () => {
    let t = 0;
    const m = new RpsMeter(() => t);
    for (let i = 0; i < 10; i++) m.record('k');
    t = 1500;
    m.record('k');
    expect(m.peak).toBe(10);
  });
});

describe('virtual clock and drift', () => {
  it('starts at the requested time and advances', () => {
    let real = 1000;
    const c = new VirtualClock(50_000, () => real);
    expect(c.nowMs()).toBe(50_000);
    real = 2000;
    expect(c.nowMs()).toBe(51_000);
    c.advance(9000);
    expect(c.nowSeconds()).toBe(60);
    expect(() => c.advance(-1)).toThrow();
  });

  it('drift alters exactly one record', () => {
    const records = [
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ] as Record<string, unknown>[];
    expect(applyDrift('type', records, () => 0)).toBe('drift.type:a');
    expect(records[0]?.['a']).toBe('1');
    expect(applyDrift('missing', records, () => 1)).toBe('drift.missing:b');
    expect('b' in (records[1] ?? {})).toBe(false);
    expect(applyDrift('extra', records, () => 0)).toBe('drift.extra:sandbox_drift_field');
  });
});
