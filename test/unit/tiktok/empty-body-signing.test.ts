/**
 * A server may sign a POST body of exactly `{}` over its bytes or as no body. The searches that send
 * no filter must be signed the same under both conventions: zero bad signatures either way.
 */
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import {
  searchOpenCollaborationProducts,
  searchOpenCollaborations,
  searchSellerOrders,
} from '../../../src/tiktok/endpoints/seller.ts';
import { serializeBody } from '../../../src/tiktok/request.ts';
import { verifySign } from '../../../src/tiktok/sign.ts';
import { APP_SECRET, fakeFetch, jsonResponse, type RecordedRequest, testAuth } from './helpers/fake-api.ts';

type Convention = 'bytes' | 'none';

/** A server that checks signatures one way, counting what it refuses with 106001. */
function server(convention: Convention) {
  let badSignatures = 0;
  const signedBody = (req: RecordedRequest) => (convention === 'none' && req.body === '{}' ? null : req.body);
  const fake = fakeFetch((req) => {
    const sign = req.url.searchParams.get('sign') ?? '';
    if (!verifySign(APP_SECRET, req.url.pathname, req.url.searchParams, signedBody(req), sign)) {
      badSignatures += 1;
      return jsonResponse({ code: 106001, message: 'The sign query parameter is invalid.', request_id: 'r' });
    }
    return jsonResponse({
      code: 0,
      message: 'Success',
      request_id: 'r',
      data: { items: [], next_page_token: '' },
    });
  });
  const api = createApiClient({
    apiBaseUrl: 'https://api.test',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
    retry: { retries: 0 },
  });
  return { api, requests: fake.requests, badSignatures: () => badSignatures };
}

describe('empty search bodies and the two signing conventions', () => {
  for (const convention of ['bytes', 'none'] as const) {
    it(`the unfiltered open-collaboration searches pass a server that signs {} as "${convention}"`, async () => {
      const s = server(convention);
      const auth = testAuth();
      await searchOpenCollaborations(s.api, auth, {});
      await searchOpenCollaborationProducts(s.api, auth, { criteria: {} });
      await searchSellerOrders(s.api, auth, {});
      // Filters still travel in a body signed over its bytes.
      await searchOpenCollaborations(s.api, auth, { keyword: 'tee', keywordType: 'PRODUCT_NAME' });
      await searchOpenCollaborationProducts(s.api, auth, { criteria: { titleKeywords: ['tee'] } });
      expect(s.badSignatures()).toBe(0);
      expect(s.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST', 'POST']);
      expect(s.requests.map((r) => r.body)).toEqual([
        null,
        null,
        null,
        '{"keyword_type":"PRODUCT_NAME","keyword":"tee"}',
        '{"title_keywords":["tee"]}',
      ]);
    });
  }

  it('serializeBody: no body for undefined and {}, the JSON text otherwise', () => {
    expect(serializeBody(undefined)).toBeNull();
    expect(serializeBody({})).toBeNull();
    expect(serializeBody({ a: 1 })).toBe('{"a":1}');
    expect(serializeBody([])).toBe('[]');
    expect(serializeBody({ a: {} })).toBe('{"a":{}}');
  });
});
