/**
 * node:http server with keep-alive and no framework (performance): reads the raw body (signatures
 * cover the exact bytes), hands business requests to SandboxApi, applies latency (before the
 * request is judged, and after) and connection resets, and routes /__sandbox/* to the control plane.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { isAuthPath, type SandboxApi } from './api.ts';
import type { ConsentResponse } from './routes/consent.ts';
import type { StatsCollector } from './stats.ts';

export type ControlHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
) => Promise<{ status: number; body: unknown }>;

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface SandboxServerOptions {
  /** Wait before a business request is handed to the API (types.ts latencyBeforeAuthMs), read per request. */
  latencyBeforeAuthMs?: () => number;
  /** Filled with the requests in that wait, removed when it ends (Sandbox.awaitingAuth()). */
  awaitingAuth?: Set<AwaitingAuth>;
}

export interface AwaitingAuth {
  path: string;
  accessToken: string | null;
  sinceMs: number;
}

/** The auth host's authorization pages (routes/consent.ts): null when the path is not one of them. */
export type ConsentHandler = (path: string, query: URLSearchParams) => ConsentResponse | null;

export function createSandboxServer(
  api: SandboxApi,
  stats: StatsCollector,
  control: ControlHandler,
  consent: ConsentHandler = () => null,
  options: SandboxServerOptions = {},
): Server {
  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      // Never crash the simulator on one bad request.
      if (!res.headersSent)
        sendJson(res, 500, { code: 36009003, message: `sandbox error: ${(error as Error).message}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
    const method = req.method ?? 'GET';
    const rawBody = await readBody(req);
    if (method === 'GET') {
      const page = consent(path, query);
      if (page) {
        res.writeHead(page.status, { ...page.headers, 'content-length': Buffer.byteLength(page.body) });
        res.end(page.body);
        return;
      }
    }
    if (path.startsWith('/__sandbox/')) {
      const out = await control(method, path, query, rawBody);
      sendJson(res, out.status, out.body);
      return;
    }
    stats.begin();
    const header = req.headers['x-tts-access-token'];
    // Before api.handle: the token and signature are judged when this wait is over. The token
    // host answers without it, so a refresh rotates the pair while business requests sent with the
    // old token are still waiting.
    const beforeAuthMs = options.latencyBeforeAuthMs?.() ?? 0;
    if (beforeAuthMs > 0 && !isAuthPath(path)) {
      const waiting = {
        path,
        accessToken: (Array.isArray(header) ? header[0] : header) ?? null,
        sinceMs: Date.now(),
      };
      options.awaitingAuth?.add(waiting);
      try {
        await sleep(beforeAuthMs);
      } finally {
        options.awaitingAuth?.delete(waiting);
      }
    }
    const r = api.handle({
      method,
      path,
      query,
      rawBody,
      accessToken: Array.isArray(header) ? header[0] : header,
    });
    if (r.latencyMs > 0) await sleep(r.latencyMs);
    const entry = {
      atMs: Date.now(),
      method,
      path,
      endpoint: r.endpoint,
      httpStatus: r.reset ? 0 : r.status,
      code: r.code,
      durationMs: 0,
      fault: r.fault,
    };
    if (r.release) {
      // 'close' follows both a flushed response and a dropped connection: either way the socket
      // holds no reference to the body any more.
      const release = r.release;
      res.once('close', release);
    }
    if (r.reset) {
      req.socket.destroy();
    } else {
      const bytes = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
      res.writeHead(r.status, { ...r.headers, 'content-length': bytes.length });
      res.end(bytes);
    }
    entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
    stats.end(
      { ...entry, path: r.pathKey },
      {
        badSignature: r.badSignature,
        throttled: r.throttled,
        fault: r.fault !== null,
        refreshed: r.refreshed,
      },
      r.served,
    );
  }

  return server;
}
