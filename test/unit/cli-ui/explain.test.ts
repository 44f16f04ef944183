import { describe, expect, it } from 'vitest';
import { explainApiError, remedyFor } from '../../../src/cli/common/api-error.ts';
import { renderChecks } from '../../../src/cli/commands/doctor/render.ts';
import { describeProblem, renderRunSummaries } from '../../../src/cli/common/run-summaries.ts';
import { criteriaFrom, slug } from '../../../src/cli/commands/searches/run.ts';
import type { RunSummary } from '../../../src/jobs/run-summary.ts';
import {
  InvalidRequestError,
  PermissionError,
  TokenRevokedError,
  TransientError,
} from '../../../src/tiktok/errors.ts';

const init = (code: number | null, detail: string) => ({
  endpoint: 'GET /authorization/202309/shops',
  code,
  httpStatus: 200,
  requestId: 'r1',
  detail,
});

describe('remedies for API errors', () => {
  it('explains a bad signature, a missing scope per kind, a revoked grant and an unreachable host', () => {
    expect(
      remedyFor(new InvalidRequestError(init(106001, 'Invalid credentials')), { appKey: 'abc123' }),
    ).toMatch(/signature was rejected .*app secret does not belong to the app key abc123.*TIKTOK_APP_SECRET/);
    expect(remedyFor(new PermissionError(init(105005, 'Access denied')), { kind: 'seller' })).toContain(
      '"Read Seller Affiliate Collaboration" (seller.affiliate_collaboration.read)',
    );
    expect(remedyFor(new PermissionError(init(105005, 'Access denied')), { kind: 'partner' })).toContain(
      'Read Affiliate Partner Campaigns',
    );
    expect(remedyFor(new TokenRevokedError(init(36004005, 'can not find related auth record')))).toMatch(
      /authorize the app again/,
    );
    expect(remedyFor(new TransientError(init(null, 'ECONNREFUSED')), { apiBaseUrl: 'http://x' })).toContain(
      'TIKTOK_API_BASE_URL (http://x)',
    );
    expect(remedyFor(new Error('plain'))).toBeNull();
    expect(remedyFor('not an error')).toBeNull();
  });

  it('explainApiError appends the remedy to the scrubbed message', () => {
    const text = explainApiError(
      new PermissionError(init(105005, 'you should apply auth pkg for this api')),
      { kind: 'creator' },
    );
    expect(text).toMatch(
      /^TikTok API GET \/authorization\/202309\/shops failed, code 105005, HTTP 200: you should apply auth pkg/,
    );
    expect(text).toContain('\n  What to do: The token lacks a required scope (105005)');
  });
});

const summary = (over: Partial<RunSummary>): RunSummary => ({
  runId: 1,
  connectionId: 1,
  stream: 'seller_affiliate_orders',
  trigger: 'cli',
  status: 'succeeded',
  windows: 1,
  durationMs: 1_200,
  pages: 2,
  apiCalls: 2,
  rowsInserted: 5,
  rowsUpdated: 0,
  rowsUnchanged: 0,
  rowsRejected: 0,
  rowsRemoved: 0,
  throttledMs: 0,
  errorClass: null,
  errorMessage: null,
  ...over,
});

describe('run summary table', () => {
  it('lists every run, counts successes and explains failures from their stored message', () => {
    const failed = summary({
      connectionId: 2,
      stream: 'partner_campaigns',
      status: 'failed',
      errorClass: 'PermissionError',
      errorMessage:
        'TikTok API GET /affiliate_partner/202405/campaigns failed, code 105005, HTTP 200: denied [request_id x]',
      rowsRejected: 3,
    });
    const text = renderRunSummaries([summary({}), failed], true);
    expect(text).toMatch(/\| +1 \| seller_affiliate_orders \| succeeded \| +1\.2 s \|/);
    expect(text).toContain('1 of 2 runs succeeded.');
    expect(text).toContain('3 record(s) were quarantined: see etl.rejected_records');
    expect(text).toContain('connection 2 partner_campaigns: failed: PermissionError: TikTok API');
    expect(text).toContain(
      'What to do: The token lacks a required scope (105005): in Partner Center, apply for the scope package "Read Affiliate Partner Campaigns"',
    );
    expect(describeProblem(summary({ status: 'skipped', errorMessage: 'stream busy' }))).toBe(
      'skipped (stream busy)',
    );
  });
});

describe('doctor output', () => {
  it('one line per check with the fix under it, and a verdict line', () => {
    const text = renderChecks([
      { verdict: 'ok', name: 'postgres', detail: 'PostgreSQL 16' },
      {
        verdict: 'FAIL',
        name: 'redis policy',
        detail: 'maxmemory-policy is allkeys-lru',
        fix: 'set noeviction',
      },
      { verdict: 'warn', name: 'connection 1', detail: 'scopes unknown' },
    ]);
    expect(text.split('\n')).toEqual([
      '[ ok ] postgres      PostgreSQL 16',
      '[FAIL] redis policy  maxmemory-policy is allkeys-lru',
      '                     -> set noeviction',
      '[warn] connection 1  scopes unknown',
      '1 check failed, 1 warning: fix the FAIL lines above.',
      '',
    ]);
  });
});

describe('saved search criteria', () => {
  it('builds the API body (docs/tiktok-api.md#open-collaboration-product-search) from flags, money as strings, rates in basis points', () => {
    expect(
      criteriaFrom({
        connection: 1,
        name: 'x',
        keyword: ['phone', 'case'],
        priceMin: '5',
        priceMax: '20.50',
        category: '601450',
        commissionMin: 1000,
        commissionMax: 2500,
      }),
    ).toEqual({
      title_keywords: ['phone', 'case'],
      sales_price_range: { amount_ge: '5', amount_lt: '20.50' },
      category: { id: '601450' },
      commission_rate_range: { rate_ge: 1000, rate_lt: 2500 },
    });
    expect(criteriaFrom({ connection: 1, name: 'all' })).toEqual({});
    expect(() => criteriaFrom({ connection: 1, name: 'x', priceMin: '9', priceMax: '3' })).toThrow(
      /--price-min must be below --price-max/,
    );
    expect(() => criteriaFrom({ connection: 1, name: 'x', criteria: { foo: 1 } })).toThrow(
      /unknown field\(s\) foo/,
    );
    expect(() => criteriaFrom({ connection: 1, name: 'x', criteria: {}, keyword: ['a'] })).toThrow(
      /not both/,
    );
    expect(() =>
      criteriaFrom({ connection: 1, name: 'x', keyword: Array.from({ length: 21 }, (_, i) => `k${i}`) }),
    ).toThrow(/At most 20/);
    expect(slug('Beauty 10%+ (EU)')).toBe('beauty-10-eu');
  });
});
