/**
 * The local end of `connections authorize`: a one-shot HTTP listener at the redirect URL the app's
 * settings name (TikTok accepts a localhost URL such as http://localhost:8000/). The browser lands
 * there after consent with `?code=...&state=...&app_key=...`; the listener checks `state` (the value
 * this command put in the link: anything else is a stale tab or a forged request, answered 400 and
 * ignored), hands the code over, and answers the browser once the connection is stored or refused.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../../exit-codes.ts';

export interface ReceivedCode {
  code: string;
  /** Answers the browser (the tab shows it) and closes the listener. */
  finish(outcome: { ok: boolean; message: string }): Promise<void>;
}

export interface CallbackListener {
  /** The redirect URL as given, with the port actually bound (for port 0). */
  url: string;
  /** Resolves with the first callback that carries this state; rejects on decline or timeout. */
  waitForCode(timeoutMs: number): Promise<ReceivedCode>;
  close(): Promise<void>;
}

export interface CallbackOptions {
  redirectUri: string;
  state: string;
  appKey: string;
  /** A request that was answered but ignored (wrong state, another app): said on stderr. */
  onIgnored?: (why: string) => void;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The redirect URL must be a plain-HTTP address of this machine: the listener runs here. */
export function parseRedirectUri(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--redirect-uri "${value}" is not a URL (e.g. http://localhost:8000/).`, EXIT_USAGE);
  }
  if (url.protocol !== 'http:' || !LOCAL_HOSTS.has(url.hostname)) {
    throw new CliError(
      `--redirect-uri must be an http://localhost (or 127.0.0.1) URL: this command receives the redirect on this machine. ` +
        `Set the same URL as the redirect URL in the app's settings (got ${value}).`,
      EXIT_USAGE,
    );
  }
  return url;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function answer(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function listenOn(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function listenForCallback(opts: CallbackOptions): Promise<CallbackListener> {
  const url = parseRedirectUri(opts.redirectUri);
  const path = url.pathname || '/';
  let deliver:
    | ((r: { code: string; res: ServerResponse } | { declined: string; res: ServerResponse }) => void)
    | null = null;
  let settled = false;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const got = new URL(req.url ?? '/', 'http://callback');
    if (req.method !== 'GET' || got.pathname !== path) {
      answer(res, 404, 'Not found', 'This address only receives the TikTok Shop authorization redirect.');
      return;
    }
    const q = got.searchParams;
    if (q.get('state') !== opts.state) {
      answer(
        res,
        400,
        'Unexpected authorization',
        'Its state does not match the link this command printed: ignored.',
      );
      opts.onIgnored?.('a redirect arrived with another state (a stale tab or another link): ignored');
      return;
    }
    const appKey = q.get('app_key');
    if (appKey && appKey !== opts.appKey) {
      answer(res, 400, 'Another app', `This redirect is for app ${appKey}, not ${opts.appKey}: ignored.`);
      opts.onIgnored?.(`a redirect arrived for app ${appKey}, not ${opts.appKey}: ignored`);
      return;
    }
    if (settled || !deliver) {
      answer(res, 409, 'Already received', 'This authorization was already received; see the terminal.');
      return;
    }
    const code = q.get('code');
    const error = q.get('error');
    settled = true;
    if (error || !code || code === 'null') deliver({ declined: error ?? 'no code', res });
    else deliver({ code, res });
  };
  const servers: Server[] = [];
  const port = url.port ? Number(url.port) : 80;
  // "localhost" is 127.0.0.1 for some browsers and ::1 for others: listen on both when both exist.
  const hosts = url.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [url.hostname.replace(/^\[|\]$/g, '')];
  let bound = port;
  for (const [i, host] of hosts.entries()) {
    const server = createServer(handler);
    try {
      await listenOn(server, i === 0 ? port : bound, host);
      bound = (server.address() as AddressInfo).port;
      servers.push(server);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // No IPv6 loopback on this machine: the IPv4 one is enough.
      if (i > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
      for (const s of servers) s.close();
      if (code === 'EADDRINUSE')
        throw new CliError(
          `Port ${port} on ${host} is in use, so the redirect to ${opts.redirectUri} cannot be received here. ` +
            'Stop what uses it, or pass --redirect-uri with another port (and set that URL as the redirect URL in the app settings).',
          EXIT_USAGE,
        );
      throw err;
    }
  }
  const shown = new URL(url);
  shown.port = String(bound);
  const close = async () => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  };
  return {
    url: shown.toString(),
    close,
    waitForCode(timeoutMs) {
      return new Promise<ReceivedCode>((resolve, reject) => {
        const timer = setTimeout(() => {
          settled = true;
          reject(
            new CliError(
              `No authorization arrived at ${shown.toString()} within ${Math.round(timeoutMs / 1000)} s: nothing was stored. ` +
                'Run the command again for a new link (each link is good for one authorization).',
              EXIT_FAILURE,
            ),
          );
        }, timeoutMs);
        deliver = (r) => {
          clearTimeout(timer);
          if ('declined' in r) {
            answer(r.res, 200, 'Authorization declined', 'Nothing was stored. You can close this tab.');
            reject(
              new CliError(
                `The authorization was declined (${r.declined}): nothing was stored. Run the command again to retry.`,
                EXIT_FAILURE,
              ),
            );
            return;
          }
          resolve({
            code: r.code,
            async finish(outcome) {
              // Resolved once the page is flushed: the listener closes right after.
              const flushed = new Promise<void>((done) => r.res.once('close', () => done()));
              answer(
                r.res,
                outcome.ok ? 200 : 502,
                outcome.ok ? 'Connection stored' : 'Connection not stored',
                `${outcome.message} You can close this tab.`,
              );
              await flushed;
            },
          });
        };
      });
    },
  };
}
