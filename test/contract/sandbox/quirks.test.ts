/**
 * The ambiguity switches (src/sandbox/quirks.ts) over HTTP: every value of every switch answers
 * the way its comment says, with signed requests like a real client's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxQuirks } from '../../../src/sandbox/quirks.ts';
import { type Fixture, PATHS, plain, startFixture } from './helpers.ts';
import type { CallOptions, CallResult } from './sandbox-client.ts';

const DAY = 86_400;

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.sb.close();
});
afterEach(() => {
  f.sb.setQuirks(null);
  f.sb.setFaults(null);
});

async function control(method: 'GET' | 'POST', body?: unknown) {
  return plain(`${f.sb.url}/__sandbox/quirks`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
}

function sellerOrders(body: unknown, query: Record<string, string | number> = {}): Promise<CallResult> {
  return f.call(PATHS.sellerOrders, {
    token: f.seller.accessToken,
    query: { shop_cipher: f.shop.cipher, page_size: 100, ...query },
    body,
  });
}

function openCollabs(query: Record<string, string | number> = {}): Promise<CallResult> {
  return f.call(PATHS.openCollabs, {
    token: f.seller.accessToken,
    query: { shop_cipher: f.shop.cipher, page_size: 3, ...query },
    body: {},
  });
}

/** Walks next_page_token until the page that has no further token under `mode`; returns the pages. */
async function walk(
  first: (query: Record<string, string>) => Promise<CallResult>,
  mode: SandboxQuirks['terminalPageToken'],
): Promise<CallResult[]> {
  const pages: CallResult[] = [];
  let query: Record<string, string> = {};
  for (let i = 0; i < 1000; i++) {
    const res = await first(query);
    expect(res.json?.code, res.text).toBe(0);
    pages.push(res);
    const data = res.json.data as Record<string, unknown>;
    const token = data['next_page_token'];
    const last = mode === 'absent' ? !('next_page_token' in data) : token === (mode === 'zero' ? '0' : '');
    if (last) return pages;
    expect(typeof token).toBe('string');
    expect(token).not.toBe('');
    query = { page_token: token as string };
  }
  throw new Error('too many pages');
}

async function refresh(refreshToken: string, grantType = 'refresh_token') {
  const query = new URLSearchParams({
    app_key: f.sb.app.appKey,
    app_secret: f.sb.app.appSecret,
    refresh_token: refreshToken,
    grant_type: grantType,
  });
  return plain(`${f.sb.authUrl}${PATHS.tokenRefresh}?${query.toString()}`);
}

describe('terminal_page_token: how the last page says "no more"', () => {
  const listings = {
    'seller orders': (q: Record<string, string>) => sellerOrders({}, q),
    'open collaborations': (q: Record<string, string>) => openCollabs(q),
  };

  for (const [name, fetchPage] of Object.entries(listings)) {
    it(`${name}: "" by default; page_token "0" is then an invalid token`, async () => {
      const pages = await walk(fetchPage, 'empty');
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.at(-1)?.json.data.next_page_token).toBe('');
      const zero = await fetchPage({ page_token: '0' });
      expect(zero.json.code).toBe(36009004);
      expect(zero.json.message).toContain('page_token');
    });

    it(`${name}: absent really omits the key on the last page only`, async () => {
      f.sb.setQuirks({ terminalPageToken: 'absent' });
      const pages = await walk(fetchPage, 'absent');
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages.slice(0, -1)) expect(page.json.data.next_page_token).toMatch(/^[\w-]{20,}$/);
      const last = pages.at(-1) as CallResult;
      expect(Object.keys(last.json.data)).not.toContain('next_page_token');
      expect(last.text).not.toContain('next_page_token');
      expect(last.json.data.total_count).toBe(pages[0]?.json.data.total_count);
    });

    it(`${name}: zero answers "0" on the last page, and page_token "0" an empty page ending the same way`, async () => {
      f.sb.setQuirks({ terminalPageToken: 'zero' });
      const pages = await walk(fetchPage, 'zero');
      expect(pages.length).toBeGreaterThan(1);
      const last = pages.at(-1) as CallResult;
      expect(last.json.data.next_page_token).toBe('0');
      const listKey = Object.keys(last.json.data).find((k) => Array.isArray(last.json.data[k])) as string;
      expect(last.json.data[listKey].length).toBeGreaterThan(0);
      const after = await fetchPage({ page_token: '0' });
      expect(after.json.code).toBe(0);
      expect(after.json.data[listKey]).toEqual([]);
      expect(after.json.data.next_page_token).toBe('0');
      expect(after.json.data.total_count).toBe(pages[0]?.json.data.total_count);
    });
  }
});

describe('error_status: the HTTP status of non-throttling errors', () => {
  const cases: [string, () => Promise<CallResult>, number, number][] = [
    [
      'bad signature',
      () => f.call(PATHS.shops, { token: f.seller.accessToken, alterSign: () => 'f'.repeat(64) }),
      106001,
      401,
    ],
    ['bad page_size', () => sellerOrders({}, { page_size: 0 }), 98001004, 400],
    [
      'missing scope',
      () =>
        f.call(PATHS.openCollabs, {
          token: f.sb.issueGrant(f.seller.openId, { scopes: [] }).accessToken,
          query: { shop_cipher: f.shop.cipher, page_size: 3 },
          body: {},
        }),
      105005,
      403,
    ],
    ['wrong user type', () => f.call(PATHS.shops, { token: f.creator.accessToken }), 101000, 403],
    [
      'unknown target collaboration',
      () =>
        f.call(PATHS.target('123'), { token: f.seller.accessToken, query: { shop_cipher: f.shop.cipher } }),
      50001700,
      404,
    ],
  ];

  for (const [name, request, code, status] of cases) {
    it(`${name}: HTTP 200 + code ${code} by default, HTTP ${status} + the same envelope in 4xx mode`, async () => {
      const plainMode = await request();
      expect(plainMode.status).toBe(200);
      expect(plainMode.json.code).toBe(code);
      f.sb.setQuirks({ errorStatus: '4xx' });
      const mapped = await request();
      expect(mapped.status).toBe(status);
      expect(Object.keys(mapped.json).sort()).toEqual(['code', 'message', 'request_id']);
      expect(mapped.json.code).toBe(code);
      expect(mapped.json.message).toBe(plainMode.json.message);
      expect(mapped.headers.get('content-type')).toContain('application/json');
    });
  }

  it('a throttled request stays HTTP 429 in both modes; successes stay HTTP 200', async () => {
    for (const mode of ['200', '4xx'] as const) {
      f.sb.setQuirks({ errorStatus: mode });
      f.sb.setFaults('shops:429=1');
      const throttled = await f.call(PATHS.shops, { token: f.seller.accessToken });
      expect([throttled.status, throttled.json.code]).toEqual([429, 36009002]);
      f.sb.setFaults(null);
      const ok = await f.call(PATHS.shops, { token: f.seller.accessToken });
      expect([ok.status, ok.json.code]).toEqual([200, 0]);
    }
  });

  it('the auth host follows the switch too', async () => {
    f.sb.setQuirks({ errorStatus: '4xx' });
    const res = await refresh('TTP_no-such-token');
    expect(res.status).toBe(401);
    expect(res.json.code).toBe(36004005);
  });

  it('the old errorStatusMode option still maps to the switch; an explicit quirk wins', async () => {
    const old = await startFixture({ errorStatusMode: '4xx' });
    const both = await startFixture({ errorStatusMode: '4xx', quirks: { errorStatus: '200' } });
    try {
      expect(old.sb.quirks.errorStatus).toBe('4xx');
      const res = await old.call(PATHS.shops, { token: old.creator.accessToken });
      expect([res.status, res.json.code]).toEqual([403, 101000]);
      const res2 = await both.call(PATHS.shops, { token: both.creator.accessToken });
      expect([res2.status, res2.json.code]).toEqual([200, 101000]);
    } finally {
      await old.sb.close();
      await both.sb.close();
    }
  });
});

describe('order_range_cap: the widest create_time window of the order searches', () => {
  async function earliestOrderS(): Promise<number> {
    const truth = await f.sb.groundTruth('seller_affiliate_orders', f.shop.id);
    const times = (truth.groups[0]?.records ?? []).map((o) => Number(o['create_time']));
    return Math.min(...times);
  }
  const nowS = () => Math.floor(f.sb.clock.nowMs() / 1000);

  it('none (default): a 91-day window and no bounds at all are served', async () => {
    const lt = nowS();
    expect((await sellerOrders({ create_time_ge: lt - 91 * DAY, create_time_lt: lt })).json.code).toBe(0);
    expect((await sellerOrders({})).json.code).toBe(0);
  });

  it('90d: a 91-day window is refused with 36009004 naming create_time and the limit; 90 days are served', async () => {
    f.sb.setQuirks({ orderRangeCap: '90d' });
    const lt = nowS() - 10 * DAY;
    const refused = await sellerOrders({ create_time_ge: lt - 91 * DAY, create_time_lt: lt });
    expect(refused.json.code).toBe(36009004);
    expect(refused.json.message).toMatch(/create_time/);
    expect(refused.json.message).toMatch(/90 days/);
    expect(refused.json.data).toBeUndefined();
    const oneSecondOver = await sellerOrders({ create_time_ge: lt - 90 * DAY - 1, create_time_lt: lt });
    expect(oneSecondOver.json.code).toBe(36009004);
    const served = await sellerOrders({ create_time_ge: lt - 90 * DAY, create_time_lt: lt });
    expect(served.json.code).toBe(0);
    expect(served.json.data.orders.length).toBeGreaterThan(0);
  });

  it("90d: an omitted create_time_ge counts from the shop's earliest order", async () => {
    f.sb.setQuirks({ orderRangeCap: '90d' });
    const earliest = await earliestOrderS();
    expect(nowS() - earliest).toBeGreaterThan(91 * DAY);
    expect((await sellerOrders({ create_time_lt: earliest + 91 * DAY })).json.code).toBe(36009004);
    const served = await sellerOrders({ create_time_lt: earliest + 90 * DAY });
    expect(served.json.code).toBe(0);
    expect(served.json.data.orders[0].create_time).toBe(earliest);
    // Neither bound: the whole ~180-day history, refused.
    expect((await sellerOrders({})).json.code).toBe(36009004);
  });

  it('90d: an omitted create_time_lt counts from now', async () => {
    f.sb.setQuirks({ orderRangeCap: '90d' });
    expect((await sellerOrders({ create_time_ge: nowS() - 91 * DAY })).json.code).toBe(36009004);
    // A minute of slack: the virtual clock runs on while the request travels.
    expect((await sellerOrders({ create_time_ge: nowS() - 90 * DAY + 60 })).json.code).toBe(0);
  });

  it('90d: creator orders are capped too; 4xx mode answers HTTP 400', async () => {
    f.sb.setQuirks({ orderRangeCap: '90d', errorStatus: '4xx' });
    const lt = nowS();
    const creator = (body: unknown) =>
      f.call(PATHS.creatorOrders, { token: f.creator.accessToken, query: { page_size: 20 }, body });
    const refused = await creator({ create_time_ge: lt - 91 * DAY, create_time_lt: lt });
    expect([refused.status, refused.json.code]).toEqual([400, 36009004]);
    expect((await creator({})).json.code).toBe(36009004);
    const served = await creator({ create_time_ge: lt - 90 * DAY, create_time_lt: lt });
    expect([served.status, served.json.code]).toEqual([200, 0]);
  });
});

describe('rotated_access_token: what an access token rotated away by a refresh answers', () => {
  const expected: Record<SandboxQuirks['rotatedAccessToken'], RegExp> = {
    '105002': /expired/,
    '105001': /deauthorized/,
    '36009004': /access_token \/ x-tts-access-token/,
  };
  for (const [answer, message] of Object.entries(expected)) {
    it(`${answer}${answer === '105002' ? ' (default)' : ''}`, async () => {
      if (answer !== '105002')
        f.sb.setQuirks({ rotatedAccessToken: answer as SandboxQuirks['rotatedAccessToken'] });
      const g = f.sb.issueGrant(f.seller.openId);
      expect((await f.call(PATHS.shops, { token: g.accessToken })).json.code).toBe(0);
      const res = await refresh(g.refreshToken);
      expect(res.json.code).toBe(0);
      const old = await f.call(PATHS.shops, { token: g.accessToken });
      expect(old.json.code).toBe(Number(answer));
      expect(old.json.message).toMatch(message);
      expect((await f.call(PATHS.shops, { token: res.json.data.access_token })).json.code).toBe(0);
    });
  }

  it('a token that merely expired still answers 105002 whatever the switch', async () => {
    f.sb.setQuirks({ rotatedAccessToken: '36009004' });
    const g = f.sb.issueGrant(f.seller.openId);
    f.sb.expire(g.accessToken);
    expect((await f.call(PATHS.shops, { token: g.accessToken })).json.code).toBe(105002);
  });
});

describe('empty_body_signing: how the server signs a POST whose body is exactly {}', () => {
  const signedOverBytes: CallOptions = { method: 'POST', body: {} };
  // Signed as no body, then `{}` sent: what the official Node SDK does.
  const signedWithout: CallOptions = { method: 'POST', body: '', alterBodyAfterSign: () => '{}' };
  const post = (opts: CallOptions) =>
    f.call(PATHS.sellerOrders, {
      ...opts,
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
    });

  it('bytes (default): {} signed over its bytes is served, signed without it gets 106001', async () => {
    f.sb.resetStats();
    expect((await post(signedOverBytes)).json.code).toBe(0);
    expect((await post(signedWithout)).json.code).toBe(106001);
    expect(f.sb.stats().badSignatures).toBe(1);
  });

  it('none: {} signed over its bytes gets 106001, signed without it is served', async () => {
    f.sb.setQuirks({ emptyBodySigning: 'none' });
    f.sb.resetStats();
    const refused = await post(signedOverBytes);
    expect(refused.json.code).toBe(106001);
    expect(f.sb.stats().badSignatures).toBe(1);
    const served = await post(signedWithout);
    expect(served.json.code).toBe(0);
    expect(served.json.data.orders).toHaveLength(5);
    // Any other body is still signed over its bytes.
    expect((await post({ method: 'POST', body: { program_id: '' } })).json.code).toBe(0);
    expect((await post({ method: 'POST', body: '{ }' })).json.code).toBe(0);
    expect(f.sb.stats().badSignatures).toBe(1);
  });
});

describe('refresh_grant_type: which grant_type the refresh endpoint takes', () => {
  const cases: [SandboxQuirks['refreshGrantType'], string[], string[]][] = [
    ['lenient', ['refresh_token', 'authorized_code'], ['client_credentials']],
    ['refresh_token', ['refresh_token'], ['authorized_code']],
    ['authorized_code', ['authorized_code'], ['refresh_token']],
  ];
  for (const [mode, accepted, refused] of cases) {
    it(`${mode}: accepts ${accepted.join(' and ')}, refuses ${refused.join(', ')} with a param error`, async () => {
      f.sb.setQuirks({ refreshGrantType: mode });
      f.sb.resetStats();
      let g = f.sb.issueGrant(f.creator.openId);
      for (const grant of refused) {
        const res = await refresh(g.refreshToken, grant);
        expect(res.json.code).toBe(36009004);
        expect(res.json.message).toContain('grant_type');
      }
      for (const grant of accepted) {
        // A refused grant rotated nothing: the same refresh token still works.
        const res = await refresh(g.refreshToken, grant);
        expect(res.json.code).toBe(0);
        g = { ...g, refreshToken: res.json.data.refresh_token };
      }
      expect(f.sb.stats().refreshes).toBe(accepted.length);
    });
  }
});

describe('stats.refreshes', () => {
  it('counts the refreshes that rotated a pair, not the refused ones; DELETE resets it', async () => {
    await plain(`${f.sb.url}/__sandbox/stats`, { method: 'DELETE' });
    const g = f.sb.issueGrant(f.partner.openId);
    const first = await refresh(g.refreshToken);
    expect(first.json.code).toBe(0);
    expect((await refresh(g.refreshToken)).json.code).toBe(36004005); // used up
    expect((await refresh(first.json.data.refresh_token)).json.code).toBe(0);
    const stats = await plain(`${f.sb.url}/__sandbox/stats`);
    expect(stats.json.refreshes).toBe(2);
    expect(stats.json.badSignatures).toBe(0);
    const reset = await plain(`${f.sb.url}/__sandbox/stats`, { method: 'DELETE' });
    expect(reset.json.refreshes).toBe(0);
  });
});

describe('control plane: GET|POST /__sandbox/quirks', () => {
  it('GET shows every switch; POST {spec} or {quirks} replaces them (unnamed ones back to defaults)', async () => {
    const initial = await control('GET');
    expect(initial.json.quirks).toEqual({
      terminalPageToken: 'empty',
      errorStatus: '200',
      orderRangeCap: 'none',
      rotatedAccessToken: '105002',
      emptyBodySigning: 'bytes',
      refreshGrantType: 'lenient',
      creatorTraceOrders: 'granted',
    });
    const bySpec = await control('POST', { spec: 'terminal_page_token=absent,error_status=4xx' });
    expect(bySpec.status).toBe(200);
    expect(bySpec.json.quirks).toMatchObject({ terminalPageToken: 'absent', errorStatus: '4xx' });
    // Takes effect at once.
    const denied = await f.call(PATHS.shops, { token: f.creator.accessToken });
    expect(denied.status).toBe(403);
    const byObject = await control('POST', { quirks: { orderRangeCap: '90d' } });
    expect(byObject.json.quirks).toMatchObject({
      terminalPageToken: 'empty',
      errorStatus: '200',
      orderRangeCap: '90d',
    });
    expect((await control('GET')).json.quirks.orderRangeCap).toBe('90d');
    expect((await control('POST', { spec: '' })).json.quirks).toEqual(initial.json.quirks);
  });

  it('refuses unknown switches and values, and a body with neither or both forms, with a clear error', async () => {
    const cases: [unknown, RegExp][] = [
      [{ spec: 'terminal_page_token=maybe' }, /terminal_page_token must be one of empty, absent, zero/],
      [{ spec: 'bogus' }, /neither key=value nor a profile name/],
      [{ quirks: { nope: '1' } }, /unknown switch "nope"/],
      [{ quirks: { errorStatus: 400 } }, /error_status must be one of 200, 4xx/],
      [{ quirks: ['all'] }, /quirks must be an object/],
      [{ spec: 3 }, /spec must be a string/],
      [{}, /exactly one of quirks/],
      [{ spec: 'all', quirks: {} }, /exactly one of quirks/],
    ];
    for (const [body, message] of cases) {
      const res = await control('POST', body);
      expect(res.status).toBe(400);
      expect(res.json.error).toMatch(message);
    }
    expect((await control('GET')).json.quirks.terminalPageToken).toBe('empty');
  });

  it('startSandbox({quirks}) starts with them; setQuirks takes a spec string', async () => {
    const g = await startFixture({ quirks: { terminalPageToken: 'zero' } });
    try {
      expect(g.sb.quirks.terminalPageToken).toBe('zero');
      expect(g.sb.quirks.errorStatus).toBe('200');
      g.sb.setQuirks('all');
      expect(g.sb.quirks.terminalPageToken).not.toBe('empty');
      expect(() => g.sb.setQuirks('error_status=500')).toThrow(/error_status must be one of/);
    } finally {
      await g.sb.close();
    }
  });
});
