/** The default transport over a real local HTTP server: keep-alive, bodies, bounds, aborts. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { ResponseShapeError, TransientError } from '../../../src/tiktok/errors.ts';
import {
  fetchTransport,
  type HttpTransport,
  ResponseTooLargeError,
  undiciTransport,
} from '../../../src/tiktok/transport.ts';
import { FAST_RETRY, NOW, ordersCall } from './helpers/client-setup.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const open: { server: Server; transport?: HttpTransport }[] = [];

async function serve(handler: Handler) {
  const seen = { requests: 0, sockets: 0 };
  const server = createServer((req, res) => {
    seen.requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => {
    seen.sockets += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const entry: { server: Server; transport?: HttpTransport } = { server };
  open.push(entry);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, entry };
}

afterEach(async () => {
  for (const { server, transport } of open.splice(0)) {
    await transport?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const get = (url: string, signal = new AbortController().signal) => ({
  url,
  method: 'GET',
  headers: {},
  signal,
});

const envelope = (data: unknown) => JSON.stringify({ code: 0, message: 'Success', request_id: 'r-1', data });

describe('undiciTransport', () => {
  it('sends method, headers and body, and returns status, Retry-After and the whole body', async () => {
    const got: { method?: string; type?: string; body?: string } = {};
    const { url, entry } = await serve((req, body, res) => {
      Object.assign(got, { method: req.method, type: req.headers['content-type'], body });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end('{"code":36009002}');
    });
    const transport = undiciTransport();
    entry.transport = transport;
    const reply = await transport.send({
      url: `${url}/x?a=1`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"é":1}',
      signal: new AbortController().signal,
    });
    expect(reply).toEqual({ status: 429, retryAfter: '3', body: '{"code":36009002}' });
    expect(got).toEqual({ method: 'POST', type: 'application/json', body: '{"é":1}' });
  });

  it('keeps the connection alive across sequential requests', async () => {
    const page = envelope({ orders: Array.from({ length: 100 }, (_, i) => ({ id: String(i) })) });
    const { url, seen, entry } = await serve((_req, _body, res) => res.end(page));
    const transport = undiciTransport();
    entry.transport = transport;
    for (let i = 0; i < 20; i++) {
      const reply = await transport.send(get(url));
      expect(reply.body).toBe(page);
    }
    // Reused, not one per request (a request sent in the tick its predecessor's body ended may find
    // that socket not yet back in the pool and open a second one).
    expect(seen.requests).toBe(20);
    expect(seen.sockets).toBeLessThanOrEqual(2);
  });

  it.each([
    ['with a content-length', true],
    ['chunked, without one', false],
  ])('abandons a body larger than the bound (%s)', async (_label, withLength) => {
    const body = 'x'.repeat(5_000);
    const { url, entry } = await serve((_req, _body, res) => {
      if (withLength) res.setHeader('content-length', body.length);
      res.write(body.slice(0, 2_500));
      res.end(body.slice(2_500));
    });
    const transport = undiciTransport({ maxResponseBytes: 1_024 });
    entry.transport = transport;
    const sent = transport.send(get(url));
    await expect(sent).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(sent).rejects.toThrow('response body larger than 1024 bytes');
  });

  it('offers compression and inflates gzip, deflate (wrapped or raw) and br bodies, error responses included', async () => {
    const page = envelope({ orders: Array.from({ length: 200 }, (_, i) => ({ id: String(i) })) });
    const encoders: Record<string, [string, (b: string) => Buffer]> = {
      '/gzip': ['gzip', (b) => gzipSync(b)],
      '/deflate': ['deflate', (b) => deflateSync(b)],
      '/raw-deflate': ['deflate', (b) => deflateRawSync(b)],
      '/br': ['br', (b) => brotliCompressSync(b)],
      '/fail': ['gzip', (b) => gzipSync(b)],
      '/twice': ['gzip, br', (b) => brotliCompressSync(gzipSync(b))],
    };
    const offered: (string | undefined)[] = [];
    const { url, entry } = await serve((req, _body, res) => {
      offered.push(req.headers['accept-encoding']);
      const [coding, encode] = encoders[req.url ?? ''] ?? ['identity', Buffer.from];
      res.writeHead(req.url === '/fail' ? 429 : 200, { 'content-encoding': coding });
      res.end(encode(page));
    });
    const transport = undiciTransport();
    entry.transport = transport;
    for (const path of Object.keys(encoders)) {
      const reply = await transport.send(get(url + path));
      expect({ path, body: reply.body }).toEqual({ path, body: page });
    }
    expect(offered).toEqual(Array(6).fill('gzip, deflate, br'));
  });

  it('refuses a content-encoding it cannot undo, naming it', async () => {
    const { url, entry } = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-encoding': 'zstd-ish' });
      res.end('???');
    });
    const transport = undiciTransport();
    entry.transport = transport;
    await expect(transport.send(get(url))).rejects.toThrow('unsupported content-encoding "zstd-ish"');
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('abandons a %s body that inflates past the bound', async (coding, encode) => {
    const bomb = encode(Buffer.alloc(1_000_000, 48)); // ~1 KB on the wire, 1 MB inflated
    const { url, entry } = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-encoding': coding });
      res.end(bomb);
    });
    const transport = undiciTransport({ maxResponseBytes: 64 * 1024 });
    entry.transport = transport;
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(transport.send(get(url))).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('gives up on an exchange as soon as its signal aborts', async () => {
    const { url, entry } = await serve(() => {
      // never answers
    });
    const transport = undiciTransport();
    entry.transport = transport;
    const ctrl = new AbortController();
    const started = performance.now();
    setTimeout(() => ctrl.abort(new Error('stop now')), 50);
    await expect(transport.send(get(url, ctrl.signal))).rejects.toThrow('stop now');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('fetchTransport', () => {
  it('applies the same bound to a fetch-shaped function', async () => {
    const big = new Response('y'.repeat(3_000), { status: 200 });
    const transport = fetchTransport(async () => big, 1_000);
    await expect(transport.send(get('http://x.test/'))).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});

/** A client of the local server over the default transport, closed when `use` ends. */
async function withClient(
  url: string,
  extra: Partial<Parameters<typeof createApiClient>[0]>,
  use: (api: ReturnType<typeof createApiClient>) => Promise<void>,
) {
  const api = createApiClient({
    apiBaseUrl: url,
    authBaseUrl: url,
    now: () => NOW,
    retry: FAST_RETRY,
    ...extra,
  });
  try {
    await use(api);
  } finally {
    await api.close();
  }
}

describe('the client over the default transport', () => {
  it('fails at once, without retrying, on a response larger than the bound', async () => {
    const { url, seen } = await serve((_req, _body, res) => res.end(envelope({ blob: 'z'.repeat(10_000) })));
    await withClient(url, { maxResponseBytes: 4_096 }, async (api) => {
      const call = api.call(ordersCall());
      await expect(call).rejects.toBeInstanceOf(ResponseShapeError);
      await expect(call).rejects.toThrow(/larger than 4096 bytes.*abandoned unread/);
      expect(seen.requests).toBe(1);
    });
  });

  it('turns an attempt that outlives the timeout into a transient error, then retries it', async () => {
    const { url, seen } = await serve((_req, _body, res) => {
      if (seen.requests === 1) return; // the first attempt hangs
      res.setHeader('content-type', 'application/json');
      res.end(envelope({ orders: [], next_page_token: '' }));
    });
    await withClient(url, { timeoutMs: 150 }, async (api) => {
      const result = await api.call(ordersCall());
      expect(result.requestId).toBe('r-1');
      expect(seen.requests).toBe(2);
    });
    // And with no retries left, the same hang surfaces as a TransientError naming the timeout.
    const { url: silent } = await serve(() => {});
    await withClient(silent, { retry: { retries: 0 }, timeoutMs: 100 }, async (api) => {
      const call = api.call(ordersCall());
      await expect(call).rejects.toBeInstanceOf(TransientError);
      await expect(call).rejects.toThrow('no complete response within 100 ms');
    });
  });
});
