import { afterEach, describe, expect, it } from 'vitest';
import { getPartnerCampaignDetail } from '../../../src/tiktok/endpoints/partner.ts';
import { searchOpenCollaborationProducts, searchSellerOrders } from '../../../src/tiktok/endpoints/seller.ts';
import { InvalidRequestError, PermissionError, TransientError } from '../../../src/tiktok/errors.ts';
import { createMemoryRateBudget } from '../../../src/tiktok/rate-budget.ts';
import type { ApiCallObserver } from '../../../src/tiktok/types.ts';
import { type Fixture, ids, startFixture, walk } from './fixture.ts';

let f: Fixture | null = null;
afterEach(async () => {
  await f?.sb.close();
  f = null;
});

describe('throttling against the sandbox (docs/tiktok-api.md#rate-limits)', () => {
  it('429s are waited out: every call of a burst above the rate limit succeeds', async () => {
    f = await startFixture({ rateLimitPerSecond: 10 });
    const fx = f;
    const results = await Promise.all(
      Array.from({ length: 25 }, () => searchSellerOrders(fx.api, fx.seller, { pageSize: 5 })),
    );
    expect(results.every((p) => p.records.length === 5)).toBe(true);
    expect(fx.sb.stats().throttled).toBeGreaterThan(0);
  });

  it('with the shared budget at the server rate, the same burst is paced and barely throttled', async () => {
    f = await startFixture({ rateLimitPerSecond: 10 });
    const fx = f;
    const events: Parameters<ApiCallObserver['onCall']>[0][] = [];
    const api = fx.client({
      budget: createMemoryRateBudget({ ratePerSecond: 9 }),
      observer: { onCall: (e) => events.push(e) },
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => searchSellerOrders(api, fx.seller, { pageSize: 5 })));
    expect(performance.now() - started).toBeGreaterThan(1500);
    // Unpaced, the same burst is throttled many times (test above); paced, at most a stray 429
    // when this loaded process delivers a request late.
    expect(fx.sb.stats().throttled).toBeLessThanOrEqual(3);
    expect(events.reduce((sum, e) => sum + e.throttledMs, 0)).toBeGreaterThan(0);
  });

  it('a 429 burst with Retry-After is honoured and the walk still completes', async () => {
    f = await startFixture({ faults: 'seller_orders:429=0.4;retry_after=1' });
    const fx = f;
    const started = performance.now();
    const got = await walk((pageToken) =>
      searchSellerOrders(fx.api, fx.seller, { pageSize: 100, pageToken }),
    );
    const elapsed = performance.now() - started;
    const truth = await fx.sb.groundTruth('seller_affiliate_orders', fx.shopId);
    expect(got.records.length).toBe(truth.groups.flatMap((g) => g.records).length);
    const throttled = fx.sb.stats().throttled;
    expect(throttled).toBeGreaterThan(0);
    // Each 429 said "Retry-After: 1": the client waited that long before the next try.
    expect(elapsed).toBeGreaterThanOrEqual(throttled * 1000 - 50);
  });
});

describe('transient faults are retried; the data comes out the same', () => {
  it.each([
    ['5xx=0.3'],
    ['internal=0.3;timeout=0.2'],
    ['reset=0.2'],
    ['truncate=0.25;malformed=0.2'],
    ['errors=4xx;5xx=0.3;internal=0.2'],
  ])('faults %s', async (faults) => {
    f = await startFixture({ faults });
    const fx = f;
    const got = await walk((pageToken) => searchSellerOrders(fx.api, fx.seller, { pageSize: 20, pageToken }));
    const truth = await fx.sb.groundTruth('seller_affiliate_orders', fx.shopId);
    expect(ids(got.records).sort()).toEqual(ids(truth.groups.flatMap((g) => g.records)).sort());
    expect(fx.sb.stats().faultsServed).toBeGreaterThan(0);
  });

  it('record-level schema drift passes through untouched for the normalizers to judge', async () => {
    f = await startFixture({ faults: 'drift.extra=0.5;drift.missing=0.5;drift.type=0.5' });
    const fx = f;
    const got = await walk((pageToken) => searchSellerOrders(fx.api, fx.seller, { pageSize: 20, pageToken }));
    const truth = await fx.sb.groundTruth('seller_affiliate_orders', fx.shopId);
    expect(got.records).toHaveLength(truth.groups.flatMap((g) => g.records).length);
    expect(fx.sb.stats().faultsServed).toBeGreaterThan(0);
  });

  it('gives up with TransientError when the faults outlast the retries', async () => {
    f = await startFixture({ faults: '5xx=1' });
    const api = f.client({ retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 } });
    await expect(searchSellerOrders(api, f.seller, {})).rejects.toBeInstanceOf(TransientError);
    expect(f.sb.stats().requests).toBe(3);
  });
});

describe('non-zero codes (docs/tiktok-api.md#error-codes, docs/tiktok-api.md#http-status-of-errors)', () => {
  it.each([['200'], ['4xx']])(
    'errors=%s: not found and bad signature are InvalidRequestError, sent once',
    async (mode) => {
      f = await startFixture({ faults: `errors=${mode}` });
      const notFound = await getPartnerCampaignDetail(f.api, f.partner, '999').catch((e: unknown) => e);
      expect(notFound).toBeInstanceOf(InvalidRequestError);
      expect((notFound as InvalidRequestError).code).toBe(16032005);
      const badSecret = { ...f.seller, appSecret: 'not-the-secret' };
      const badSign = await searchSellerOrders(f.api, badSecret, {}).catch((e: unknown) => e);
      expect(badSign).toBeInstanceOf(InvalidRequestError);
      expect((badSign as InvalidRequestError).code).toBe(106001);
      expect(f.sb.stats().requests).toBe(2);
      expect(f.sb.stats().badSignatures).toBe(1);
    },
  );

  it('a token of the wrong type is a PermissionError (101000), not retried', async () => {
    f = await startFixture();
    const wrong = { ...f.partner, tokens: f.seller.tokens };
    await expect(getPartnerCampaignDetail(f.api, wrong, '1')).rejects.toBeInstanceOf(PermissionError);
    expect(f.sb.stats().requests).toBe(1);
  });

  it('an expired page token is reported as pageTokenRejected so the engine can restart the window', async () => {
    f = await startFixture({ faults: 'page_token_expired=once' });
    const fx = f;
    const first = await searchOpenCollaborationProducts(fx.api, fx.seller, { criteria: {} });
    expect(first.nextPageToken).not.toBeNull();
    const err = await searchOpenCollaborationProducts(fx.api, fx.seller, {
      criteria: {},
      pageToken: first.nextPageToken ?? '',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).pageTokenRejected).toBe(true);
  });

  it('a page token from another query is rejected as a page token too', async () => {
    f = await startFixture();
    const page = await searchSellerOrders(f.api, f.seller, { pageSize: 10 });
    const err = await searchOpenCollaborationProducts(f.api, f.seller, {
      criteria: {},
      pageToken: page.nextPageToken ?? 'x',
    }).catch((e: unknown) => e);
    expect((err as InvalidRequestError).pageTokenRejected).toBe(true);
  });
});

describe('abort', () => {
  it('aborting stops an in-flight request to a slow server promptly', async () => {
    f = await startFixture({ faults: 'latency=2000' });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('worker shutting down')), 50);
    const started = performance.now();
    await expect(searchSellerOrders(f.api, f.seller, {}, { signal: ctrl.signal })).rejects.toThrow(
      'worker shutting down',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
