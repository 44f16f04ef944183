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
 * Responses may come compressed (gzip, deflate or br are offered, as fetch does: a 100-order page is
 * ~80-130 KB of JSON and a tenth of that on the wire) and are bounded: a body larger than
 * `maxResponseBytes`, before or after decompression, is abandoned as it arrives, not buffered (a page
 * of this API is well under 1 MB; a proxy, a bug or a compression bomb answering gigabytes must not
 * take the worker's memory with it).
 */
import { Agent, interceptors, request } from 'undici';

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
  // Error responses too: a throttled or failed call's envelope carries the code the client needs.
  const dispatcher = agent.compose(
    interceptors.decompress({ maxSize: maxResponseBytes, skipErrorResponses: false }),
  );
  return {
    async send(exchange) {
      try {
        const response = await request(exchange.url, {
          method: exchange.method as 'GET' | 'POST',
          headers: { 'accept-encoding': ACCEPT_ENCODING, ...exchange.headers },
          body: exchange.body ?? null,
          signal: exchange.signal,
          dispatcher,
        });
        const retryAfter = response.headers['retry-after'];
        return {
          status: response.statusCode,
          retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
          body: await response.body.text(),
        };
      } catch (err) {
        if ((err as { code?: unknown }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
          throw new ResponseTooLargeError(maxResponseBytes);
        throw err;
      }
    },
    close: () => agent.close(),
  };
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
