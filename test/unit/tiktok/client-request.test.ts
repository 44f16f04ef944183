import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../../src/tiktok/endpoints/catalog.ts';
import { InvalidRequestError } from '../../../src/tiktok/errors.ts';
import { verifySign } from '../../../src/tiktok/sign.ts';
import {
  ACCESS_TOKEN,
  APP_KEY,
  APP_SECRET,
  apiError,
  jsonResponse,
  ok,
  SHOP_CIPHER,
  sequence,
  testAuth,
} from './helpers/fake-api.ts';

import { ordersCall, setup } from './helpers/client-setup.ts';

describe('createApiClient: request building (docs/tiktok-api.md#common-parameters, docs/tiktok-api.md#signing)', () => {
  it('signs exactly the bytes it sends, with app_key, timestamp from now() and the header token', async () => {
    const { api, requests } = setup(ok({ orders: [] }));
    const res = await api.call(ordersCall());
    expect(res).toEqual({ data: { orders: [] }, requestId: 'req-ok' });
    const [req] = requests;
    if (!req) throw new Error('no request');
    expect(req.method).toBe('POST');
    expect(req.url.origin + req.url.pathname).toBe('https://api.test/affiliate_seller/202410/orders/search');
    const q = req.url.searchParams;
    expect(q.get('app_key')).toBe(APP_KEY);
    expect(q.get('timestamp')).toBe('1750000000');
    expect(q.get('shop_cipher')).toBe(SHOP_CIPHER);
    expect(q.get('page_size')).toBe('50');
    expect(q.get('access_token')).toBeNull();
    expect(req.headers['x-tts-access-token']).toBe(ACCESS_TOKEN);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toBe('{"create_time_ge":1719807456,"create_time_lt":1722485856}');
    expect(verifySign(APP_SECRET, req.url.pathname, q, req.body, q.get('sign') ?? '')).toBe(true);
  });

  it('attaches only the cipher the endpoint declares, never the other one (36009004)', async () => {
    const { api, requests } = setup(ok({}));
    const auth = testAuth();
    await api.call({ endpoint: ENDPOINTS.partnerCampaigns, auth, query: { page_size: 10 } });
    await api.call({ endpoint: ENDPOINTS.creatorOrdersSearch, auth, body: {} });
    await api.call({ endpoint: ENDPOINTS.authorizedShops, auth });
    const [partner, creator, shops] = requests.map((r) => r.url.searchParams);
    expect(partner?.get('category_asset_cipher')).toBe(auth.categoryAssetCipher);
    expect(partner?.has('shop_cipher')).toBe(false);
    for (const q of [creator, shops]) {
      expect(q?.has('shop_cipher')).toBe(false);
      expect(q?.has('category_asset_cipher')).toBe(false);
    }
  });

  it('an optional declared cipher is omitted when the connection has none; a required one fails before sending', async () => {
    const { api, requests } = setup(ok({}));
    const auth = testAuth({ shopCipher: undefined });
    await api.call({ endpoint: ENDPOINTS.openCollaborationProductsSearch, auth, body: {} });
    expect(requests[0]?.url.searchParams.has('shop_cipher')).toBe(false);
    await expect(api.call(ordersCall(auth))).rejects.toThrow(/requires shop_cipher/);
    expect(requests).toHaveLength(1);
  });

  it('refuses caller-supplied reserved parameters such as a cipher or sign', async () => {
    const { api, requests } = setup(ok({}));
    const call = api.call({
      endpoint: ENDPOINTS.creatorOrdersSearch,
      auth: testAuth(),
      query: { shop_cipher: 'x' },
    });
    await expect(call).rejects.toBeInstanceOf(InvalidRequestError);
    expect(requests).toHaveLength(0);
  });

  it('URL-encodes path parameters and signs the encoded path it sends', async () => {
    const { api, requests } = setup(ok({ id: 'c/1' }));
    await api.call({
      endpoint: ENDPOINTS.partnerCampaignDetail,
      auth: testAuth(),
      pathParams: { campaign_id: 'c/1 x' },
    });
    const req = requests[0];
    expect(req?.url.pathname).toBe('/affiliate_partner/202405/campaigns/c%2F1%20x');
    expect(
      verifySign(
        APP_SECRET,
        req?.url.pathname ?? '',
        req?.url.searchParams ?? {},
        null,
        req?.url.searchParams.get('sign') ?? '',
      ),
    ).toBe(true);
  });

  it('joins array query values with commas, and they are what gets signed (docs/tiktok-api.md#common-parameters)', async () => {
    const { api, requests } = setup(ok({}));
    await api.call({
      endpoint: ENDPOINTS.partnerCampaigns,
      auth: testAuth(),
      query: { product_ids: ['1', '2', '3'] },
    });
    const q = requests[0]?.url.searchParams;
    expect(q?.get('product_ids')).toBe('1,2,3');
  });

  it('token host calls are unsigned and carry no access token header (docs/tiktok-api.md#tokens)', async () => {
    const { api, requests } = setup(ok({}));
    await api.call({
      endpoint: ENDPOINTS.tokenGet,
      auth: null,
      query: { app_key: 'k', app_secret: APP_SECRET },
    });
    const req = requests[0];
    expect(req?.url.origin).toBe('https://auth.test');
    expect(req?.url.searchParams.has('sign')).toBe(false);
    expect(req?.url.searchParams.has('timestamp')).toBe(false);
    expect(req?.headers['x-tts-access-token']).toBeUndefined();
  });
});

describe('createApiClient: observer', () => {
  it('reports every HTTP attempt with endpoint, code, status and attempt number', async () => {
    const { api, events } = setup(sequence(apiError(36009003, 'Internal', 500), ok({})));
    await api.call(ordersCall());
    expect(events).toMatchObject([
      { endpoint: 'seller_orders_search', status: 'error', code: 36009003, httpStatus: 500, attempt: 1 },
      { endpoint: 'seller_orders_search', status: 'ok', code: 0, httpStatus: 200, attempt: 2 },
    ]);
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a JSON body with a non-zero code on HTTP 200 is an error (docs/tiktok-api.md#response-envelope)', async () => {
    const { api } = setup(() =>
      jsonResponse({ code: 16032005, message: 'Campaign not found', request_id: 'r9' }),
    );
    const err = await api.call(ordersCall()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).requestId).toBe('r9');
  });
});
