import { Agent, request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, startFixture } from './helpers.ts';
import { signedRequest } from './sandbox-client.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ seed: 7 });
});
afterEach(() => {
  f.sb.setFaults(null);
});
afterAll(async () => {
  await f.sb.close();
});

const orders = () =>
  f.call(PATHS.sellerOrders, {
    token: f.seller.accessToken,
    query: { shop_cipher: f.shop.cipher, page_size: 10 },
    body: {},
  });

describe('fault injection (src/sandbox/faults.ts grammar)', () => {
  it('5xx=1 answers HTTP 500/502/503', async () => {
    f.sb.setFaults('5xx=1');
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) statuses.add((await orders()).status);
    expect([...statuses].every((s) => s >= 500 && s <= 503)).toBe(true);
    expect(f.sb.stats().faultsServed).toBeGreaterThanOrEqual(12);
  });

  it('internal=1 answers code 36009003 with HTTP 200; timeout=1 answers 36009007', async () => {
    f.sb.setFaults('internal=1');
    const res = await orders();
    expect(res.status).toBe(200);
    expect(res.json.code).toBe(36009003);
    f.sb.setFaults('timeout=1');
    expect((await orders()).json.code).toBe(36009007);
  });

  it('per-endpoint scope: orders:5xx=1 leaves other endpoints alone', async () => {
    f.sb.setFaults('orders:5xx=1');
    expect((await orders()).status).toBeGreaterThanOrEqual(500);
    expect((await f.call(PATHS.shops, { token: f.seller.accessToken })).json.code).toBe(0);
  });

  it('429burst=1x3 throttles exactly 3 requests in a row, without Retry-After unless retry_after is set', async () => {
    f.sb.setFaults('429burst=1x3');
    const first = await orders();
    expect(first.status).toBe(429);
    expect(first.json.code).toBe(36009002);
    expect(first.headers.get('retry-after')).toBeNull();
    expect((await orders()).status).toBe(429);
    expect((await orders()).status).toBe(429);
    f.sb.setFaults('429=1;retry_after=2');
    const withHeader = await orders();
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers.get('retry-after')).toBe('2');
  });

  it('latency=fixed(120) delays responses', async () => {
    f.sb.setFaults('latency=fixed(120)');
    const t0 = performance.now();
    await orders();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('reset=1 destroys the connection without a response', async () => {
    f.sb.setFaults('reset=1');
    await expect(orders()).rejects.toThrow();
  });

  it('truncate=1 and malformed=1 send bodies that are not valid JSON, and count nothing as served', async () => {
    f.sb.resetStats();
    f.sb.setFaults('truncate=1');
    const cut = await orders();
    expect(cut.status).toBe(200);
    expect(cut.json).toBeNull();
    expect(cut.text.startsWith('{"code":0')).toBe(true);
    f.sb.setFaults('malformed=1');
    const bad = await orders();
    expect(bad.json).toBeNull();
    expect(f.sb.stats()).toMatchObject({ requests: 2, recordsServed: 0, orderLinesServed: 0 });
  });

  it('counts the records and order lines it served', async () => {
    f.sb.resetStats();
    const page = await orders();
    const records = page.json.data.orders as { skus: unknown[] }[];
    const lines = records.reduce((n, o) => n + o.skus.length, 0);
    expect(records.length).toBe(10);
    expect(lines).toBeGreaterThan(10);
    await f.call(PATHS.openCollabs, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
      body: {},
    });
    expect(f.sb.stats()).toMatchObject({ requests: 2, recordsServed: 15, orderLinesServed: lines });
  });

  it('page_token_expired=once rejects the next page request once, then paging continues', async () => {
    const first = await orders();
    const token = first.json.data.next_page_token as string;
    f.sb.setFaults('page_token_expired=once');
    const q = {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 10, page_token: token },
      body: {},
    };
    const expired = await f.call(PATHS.sellerOrders, q);
    expect(expired.json.code).toBe(36009004);
    expect(expired.json.message).toContain('page_token');
    expect((await f.call(PATHS.sellerOrders, q)).json.code).toBe(0);
  });

  it('token_expiry_after=2 expires the access token on the third request (105002)', async () => {
    const g = f.sb.issueGrant(f.seller.openId);
    f.sb.setFaults('token_expiry_after=2');
    const call = () => f.call(PATHS.shops, { token: g.accessToken });
    expect((await call()).json.code).toBe(0);
    expect((await call()).json.code).toBe(0);
    expect((await call()).json.code).toBe(105002);
    expect((await call()).json.code).toBe(105002);
  });

  it('token_expiry_after survives a request that draws a 5xx: the next authenticated request gets 105002', async () => {
    const g = f.sb.issueGrant(f.seller.openId);
    // Unscoped expiry counts every request; the 5xx only hits orders, so request 3 draws both.
    f.sb.setFaults('token_expiry_after=2;orders:5xx=1');
    const shops = () => f.call(PATHS.shops, { token: g.accessToken });
    expect((await shops()).json.code).toBe(0);
    expect((await shops()).json.code).toBe(0);
    const third = await f.call(PATHS.sellerOrders, {
      token: g.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 10 },
      body: {},
    });
    expect(third.status).toBeGreaterThanOrEqual(500);
    expect((await shops()).json.code).toBe(105002);
  });

  it('drift.extra / drift.missing / drift.type alter one record of the page', async () => {
    const clean = (await orders()).json.data.orders as Record<string, unknown>[];
    f.sb.setFaults('drift.extra=1');
    const extra = (await orders()).json.data.orders as Record<string, unknown>[];
    expect(extra.some((o) => 'sandbox_drift_field' in o)).toBe(true);
    f.sb.setFaults('drift.missing=1');
    const missing = (await orders()).json.data.orders as Record<string, unknown>[];
    expect(missing.some((o, i) => Object.keys(o).length < Object.keys(clean[i] ?? {}).length)).toBe(true);
    f.sb.setFaults('drift.type=1');
    const typed = (await orders()).json.data.orders as Record<string, unknown>[];
    expect(typed.some((o, i) => Object.keys(o).some((k) => typeof o[k] !== typeof clean[i]?.[k]))).toBe(true);
  });

  it('faults are reproducible for a given seed and request sequence', async () => {
    const run = async () => {
      f.sb.setFaults('internal=0.5');
      const codes: number[] = [];
      for (let i = 0; i < 16; i++) codes.push((await orders()).json.code as number);
      return codes;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(2);
  });

  it('the control plane sets faults over HTTP and rejects bad specs with a clear message', async () => {
    const set = await fetch(`${f.sb.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ spec: 'internal=1' }),
    });
    expect(set.status).toBe(200);
    expect((await orders()).json.code).toBe(36009003);
    const bad = await fetch(`${f.sb.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ spec: 'explode=1' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('unknown kind "explode"');
  });
});

describe('keep-alive', () => {
  it('serves many requests over one kept-alive socket', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      const { url, init } = signedRequest(f.target, PATHS.shops, { token: f.seller.accessToken });
      await new Promise<void>((resolve, reject) => {
        const req = request(
          url,
          { agent, method: 'GET', headers: init.headers as Record<string, string> },
          (res) => {
            sockets.add(res.socket);
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', reject);
        req.end();
      });
    }
    agent.destroy();
    expect(sockets.size).toBe(1);
  });
});
