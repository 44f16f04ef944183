import { describe, expect, it } from 'vitest';
import { parseEnvelope, parseRetryAfter } from '../../../src/tiktok/envelope.ts';
import {
  API_CODE_TABLE,
  classifyApiCode,
  InvalidRequestError,
  isApiError,
  PermissionError,
  RateLimitedError,
  ResponseShapeError,
  TikTokApiError,
  TokenExpiredError,
  TokenRevokedError,
  TransientError,
} from '../../../src/tiktok/errors.ts';

describe('classifyApiCode (docs/tiktok-api.md#error-codes)', () => {
  it.each([
    [36009002, 'rate_limited'],
    [36009003, 'transient'],
    [36009007, 'transient'],
    [45101001, 'transient'],
    [105002, 'token_expired'],
    [105001, 'token_revoked'],
    [36004001, 'token_revoked'],
    [36004005, 'token_revoked'],
    [105005, 'permission'],
    [101000, 'permission'],
    [16032007, 'permission'],
    [16032012, 'permission'],
    [36009033, 'permission'],
    [50001700, 'permission'],
    [106001, 'invalid_request'],
    [36009004, 'invalid_request'],
    [106013, 'invalid_request'],
    [36009009, 'invalid_request'],
    [36009010, 'invalid_request'],
    [36009022, 'invalid_request'],
    [36009023, 'invalid_request'],
    [16015001, 'invalid_request'],
    [16032001, 'invalid_request'],
    [98001004, 'invalid_request'],
    [16032005, 'invalid_request'],
    [12345678, 'invalid_request'],
  ])('%i -> %s', (code, kind) => {
    expect(classifyApiCode(code)).toBe(kind);
  });

  it('does not treat every 360xxxxx code as auth (S-PHP heuristic is too broad)', () => {
    expect(
      Object.entries(API_CODE_TABLE)
        .filter(([c]) => c.startsWith('360'))
        .map(([, k]) => k),
    ).toContain('transient');
  });
});

const ctx = {
  endpoint: 'POST /affiliate_seller/202410/orders/search',
  secrets: ['s3cr3t-value'],
  pageTokenSent: false,
  scope: 'Read Seller Affiliate Collaboration (seller.affiliate_collaboration.read)',
  nowMs: Date.parse('2025-01-01T00:00:00Z'),
};

function failure(
  status: number,
  body: string,
  extra: Partial<typeof ctx> = {},
  retryAfter: string | null = null,
) {
  try {
    parseEnvelope(status, retryAfter, body, { ...ctx, ...extra });
  } catch (err) {
    return err as TikTokApiError;
  }
  throw new Error('expected parseEnvelope to throw');
}

const env = (code: number, message: string, data?: unknown) =>
  JSON.stringify({ code, message, request_id: 'RID-1', ...(data === undefined ? {} : { data }) });

describe('parseEnvelope (docs/tiktok-api.md#response-envelope, docs/tiktok-api.md#http-status-of-errors)', () => {
  it('returns data and request_id on code 0', () => {
    expect(parseEnvelope(200, null, env(0, 'Success', { a: 1 }), ctx)).toEqual({
      data: { a: 1 },
      requestId: 'RID-1',
    });
  });

  it('reads a missing data on success as an empty object, a non-object data as shape drift', () => {
    expect(parseEnvelope(200, null, env(0, 'Success'), ctx).data).toEqual({});
    expect(failure(200, env(0, 'Success', [1, 2]))).toBeInstanceOf(ResponseShapeError);
    expect(failure(200, env(0, 'Success', 'x'))).toBeInstanceOf(ResponseShapeError);
  });

  it('a non-zero code is an error on HTTP 200 and on HTTP 4xx alike', () => {
    for (const status of [200, 401, 403]) {
      const err = failure(status, env(105002, 'access token is expired, please refresh it'));
      expect(err).toBeInstanceOf(TokenExpiredError);
      expect(err.httpStatus).toBe(status);
      expect(err.code).toBe(105002);
      expect(err.requestId).toBe('RID-1');
    }
  });

  it('HTTP 429 without a known code is throttling; Retry-After is read', () => {
    const err = failure(429, 'Too Many Requests', {}, '3');
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBe(3000);
    expect(failure(429, env(36009002, 'Too many requests'))).toBeInstanceOf(RateLimitedError);
  });

  it('HTTP errors without an envelope are classified by status', () => {
    expect(failure(503, '<html>Service Unavailable</html>')).toBeInstanceOf(TransientError);
    expect(failure(500, '{"error":"x"}')).toBeInstanceOf(TransientError);
    expect(failure(403, 'Forbidden')).toBeInstanceOf(PermissionError);
    expect(failure(404, '')).toBeInstanceOf(InvalidRequestError);
  });

  it('an unknown code on a 5xx is transient, a known invalid code on a 5xx stays invalid', () => {
    expect(failure(502, env(99999999, 'gateway'))).toBeInstanceOf(TransientError);
    expect(failure(500, env(106001, 'The sign query parameter is invalid.'))).toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it('truncated or malformed JSON on a 2xx is transient; JSON without an integer code is shape drift', () => {
    expect(failure(200, '{"code":0,"message":"Succ')).toBeInstanceOf(TransientError);
    expect(failure(200, '')).toBeInstanceOf(TransientError);
    expect(failure(200, '{"message":"no code"}')).toBeInstanceOf(ResponseShapeError);
    expect(failure(200, '[1,2]')).toBeInstanceOf(ResponseShapeError);
    expect(failure(200, '{"code":"0"}')).toBeInstanceOf(ResponseShapeError);
  });

  it('marks a rejected page_token only when one was sent and the message says so', () => {
    const msg = env(36009004, 'Invalid page_token: expired or from another query');
    expect((failure(200, msg, { pageTokenSent: true }) as InvalidRequestError).pageTokenRejected).toBe(true);
    expect((failure(200, msg, { pageTokenSent: false }) as InvalidRequestError).pageTokenRejected).toBe(
      false,
    );
    const other = env(36009004, 'Unexpected identifier. The shop_cipher query parameter is not required');
    expect((failure(200, other, { pageTokenSent: true }) as InvalidRequestError).pageTokenRejected).toBe(
      false,
    );
    expect(
      (failure(200, env(36009004, 'invalid page token'), { pageTokenSent: true }) as InvalidRequestError)
        .pageTokenRejected,
    ).toBe(true);
  });

  it('105005 names the scope package; revoked tokens say re-authorize', () => {
    expect(failure(200, env(105005, 'you should apply auth pkg for this api')).message).toContain(
      'seller.affiliate_collaboration.read',
    );
    const revoked = failure(200, env(105001, 'your token has been deauthorized'));
    expect(revoked).toBeInstanceOf(TokenRevokedError);
    expect(revoked.message).toMatch(/re-authorize/);
  });

  it('the message names endpoint, code, API message and request_id', () => {
    const err = failure(200, env(16032005, 'Campaign not found'));
    expect(err.message).toBe(
      'TikTok API POST /affiliate_seller/202410/orders/search failed, code 16032005, HTTP 200: Campaign not found [request_id RID-1]',
    );
  });

  it('scrubs known secrets and secret-named query values echoed by the API', () => {
    const err = failure(
      200,
      env(
        36009004,
        'bad request s3cr3t-value url ?app_secret=abcdef&sign=0123abcd&access_token=TTP_zzzzzzzzzzzzzzzzzzzzzz',
      ),
    );
    expect(err.message).not.toMatch(/s3cr3t-value|abcdef|0123abcd|TTP_zzzz/);
    expect(err.message).toContain('[REDACTED]');
    expect(JSON.stringify(err)).not.toMatch(/s3cr3t-value|abcdef|0123abcd/);
  });
});

describe('error classes', () => {
  const init = { endpoint: 'GET /x', code: 1, httpStatus: 200, requestId: 'r', detail: 'd' };

  it('isRetryable: only rate limits, transient faults and expired tokens', () => {
    expect(new RateLimitedError(init).isRetryable()).toBe(true);
    expect(new TransientError(init).isRetryable()).toBe(true);
    expect(new TokenExpiredError(init).isRetryable()).toBe(true);
    for (const E of [TokenRevokedError, PermissionError, InvalidRequestError, ResponseShapeError]) {
      expect(new E(init).isRetryable()).toBe(false);
    }
  });

  it('match by class and by name (BullMQ style), with stable kind and name fields', () => {
    const err = new PermissionError(init);
    expect(err).toBeInstanceOf(TikTokApiError);
    expect(err.name).toBe('PermissionError');
    expect(err.kind).toBe('permission');
    const foreign = Object.assign(new Error('copy from another module instance'), {
      name: 'PermissionError',
    });
    expect(isApiError(foreign, PermissionError)).toBe(true);
    expect(isApiError(foreign, TransientError)).toBe(false);
    expect(isApiError(new TypeError('x'), TransientError)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
