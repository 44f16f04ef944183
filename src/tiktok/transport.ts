/**
 * The HTTP exchange under the client (client.ts): one request out, the whole body back as text.
 * Nothing here retries, classifies or logs; the client owns all of that.
 *
 * The default is undici's `request` on an Agent of its own (keep-alive pool per origin). Measured
 * here with a 100-order page (~80 KB): ~0.75 ms of CPU per exchange against ~1.1 ms for the global
 * `fetch` (same undici underneath, plus the WHATWG Response and stream layers), on a backfill that
 * spends ~25 ms per page in total. `fetchTransport` adapts any fetch-shaped function (tests inject
 * a fake API that way).
 *
 * Responses may come compressed (gzip, deflate and br are offered, as fetch does: a 100-order page
 * is ~80-130 KB of JSON and a tenth of that on the wire; inflated here with node:zlib, as undici's
 * own decompress interceptor is still experimental) and are bounded: a body larger than
 * `maxResponseBytes` on the wire is abandoned as it arrives, and inflating stops at the same bound
 * (a page of this API is well under 1 MB; a proxy, a bug or a compression bomb answering gigabytes
 * must not take the worker's memory with it).
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { Agent, request } from 'undici';

export interface HttpExchange {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the exchange (the client's per-attempt timeout and the caller's signal). */
  signal: AbortSignal;
}

export interface HttpReply {
  status: number;
  /** The Retry-After header, as sent. */
  retryAfter: string | null;
  body: string;
}

export interface HttpTransport {
  send(exchange: HttpExchange): Promise<HttpReply>;
  /** Closes pooled connections; in-flight exchanges finish first. */
  close(): Promise<void>;
}

/** 32 MiB: hundreds of times the largest page the API documents, far below what hurts a worker. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body passed the transport's size bound; sending the same request again would not help. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`response body larger than ${limitBytes} bytes`);
  }
}

const ACCEPT_ENCODING = 'gzip, deflate, br';

export interface UndiciTransportOptions {
  maxResponseBytes?: number;
  /** Idle keep-alive sockets are closed after this long (servers usually allow 5-60 s). */
  keepAliveTimeoutMs?: number;
}

export function undiciTransport(options: UndiciTransportOptions = {}): HttpTransport {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // Idle sockets are unref'd by undici, so an unclosed agent never keeps the process alive.
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    maxResponseSize: maxResponseBytes,
    // The client's own per-attempt timeout aborts the exchange; undici's (300 s) stay as a backstop.
  });
  return {
    async send(exchange) {
      try {
        const response = await request(exchange.url, {
          method: exchange.method as 'GET' | 'POST',
          headers: { 'accept-encoding': ACCEPT_ENCODING, ...exchange.headers },
          body: exchange.body ?? null,
          signal: exchange.signal,
          dispatcher: agent,
        });
        const encoding = firstHeader(response.headers['content-encoding'])?.trim().toLowerCase();
        // Error responses are inflated too: a throttled or failed call's envelope carries its code.
        const body =
          encoding && encoding !== 'identity'
            ? await decode(Buffer.from(await response.body.arrayBuffer()), encoding, maxResponseBytes)
            : await response.body.text();
        return {
          status: response.statusCode,
          retryAfter: firstHeader(response.headers['retry-after']),
          body,
        };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE' || code === 'ERR_BUFFER_TOO_LARGE')
          throw new ResponseTooLargeError(maxResponseBytes);
        throw err;
      }
    },
    close: () => agent.close(),
  };
}

function firstHeader(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

type Inflate = (buf: Buffer, options: ZlibOptions) => Promise<Buffer>;
const gunzipAsync: Inflate = promisify(gunzip);
const inflateAsync: Inflate = promisify(inflate);
const inflateRawAsync: Inflate = promisify(inflateRaw);
const INFLATERS: Record<string, Inflate> = {
  gzip: gunzipAsync,
  'x-gzip': gunzipAsync,
  // RFC 9110 "deflate" is zlib-wrapped, but some servers send raw deflate: tried when the zlib
  // header is not there (Z_DATA_ERROR), never after any other failure (a body over the bound).
  deflate: (buf, options) =>
    inflateAsync(buf, options).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== 'Z_DATA_ERROR') throw err;
      return inflateRawAsync(buf, options);
    }),
  br: promisify(brotliDecompress) as Inflate,
};

/** Undoes Content-Encoding (codings listed in the order applied), never inflating past `limit` bytes. */
async function decode(raw: Buffer, contentEncoding: string, limit: number): Promise<string> {
  let buf = raw;
  for (const coding of contentEncoding
    .split(',')
    .map((c) => c.trim())
    .reverse()) {
    if (coding === '' || coding === 'identity') continue;
    const inflater = INFLATERS[coding];
    if (!inflater) throw new Error(`unsupported content-encoding "${coding}"`);
    // maxOutputLength: zlib stops with ERR_BUFFER_TOO_LARGE instead of growing the buffer.
    buf = await inflater(buf, { maxOutputLength: limit });
  }
  return buf.toString('utf8');
}

/** Any fetch-shaped function as a transport (the bound is checked on the text it returns). */
export function fetchTransport(
  doFetch: typeof fetch,
  maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
): HttpTransport {
  return {
    async send(exchange) {
      const { url, signal, ...init } = exchange;
      const response = await doFetch(url, { ...init, signal });
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (length > maxResponseBytes) {
        await response.body?.cancel();
        throw new ResponseTooLargeError(maxResponseBytes);
      }
      const body = await response.text();
      if (Buffer.byteLength(body) > maxResponseBytes) throw new ResponseTooLargeError(maxResponseBytes);
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
    },
    close: () => Promise.resolve(),
  };
}
