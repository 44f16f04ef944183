/**
 * The worker's HTTP side door on METRICS_PORT: `/metrics` (Prometheus text format), `/healthz`
 * (liveness: the process answers) and `/readyz` (readiness: Postgres and Redis reachable, so an
 * orchestrator stops routing work to a worker that lost its dependencies). Nothing else is served,
 * and nothing here ever prints configuration.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects (or times out) when not. */
  check(): Promise<void>;
}

export interface MetricsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
  /** Per check, so a hung dependency cannot hang the probe. Default 2 s. */
  checkTimeoutMs?: number;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const timeoutMs = opts.checkTimeoutMs ?? 2_000;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return reply(200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      void readiness(opts.readiness, timeoutMs).then((result) =>
        reply(result.ok ? 200 : 503, 'application/json', `${JSON.stringify(result)}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      opts.registry.metrics().then(
        (text) => reply(200, opts.registry.contentType, text),
        (err: unknown) => reply(500, 'text/plain', `metrics collection failed: ${(err as Error).message}\n`),
      );
      return;
    }
    reply(404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
  });
  await listen(server, opts.port, opts.host ?? '0.0.0.0');
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export interface ReadinessResult {
  ok: boolean;
  checks: Record<string, 'ok' | string>;
}

export async function readiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessResult> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [c.name, 'ok'] as const;
      } catch (err) {
        return [c.name, err instanceof Error ? err.message : String(err)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: results.every(([, v]) => v === 'ok'), checks: Object.fromEntries(results) };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
