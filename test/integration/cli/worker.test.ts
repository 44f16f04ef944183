/**
 * `affiliate-etl worker` as operators run it: a child process with METRICS_PORT. It registers the
 * job schedulers (the first interval runs start at once), serves /healthz, /readyz and Prometheus
 * /metrics with API calls, rows, runs and freshness; a CLI `sync` meanwhile hands its job to the
 * running worker; SIGTERM stops it gracefully with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSeller } from '../../../src/sandbox/types.ts';
import { freePort } from '../../../src/services/free-port.ts';
import { PROJECT_DIR } from '../../helpers/cli.ts';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

const BIN = fileURLToPath(new URL('../../../bin/affiliate-etl.js', import.meta.url));

let h: CliHarness;
let worker: ChildProcess | null = null;
let workerOut = '';
let port = 0;

beforeAll(async () => {
  h = await startCliHarness(12);
  const seller = h.sandbox.accounts.find((a): a is SandboxSeller => a.kind === 'seller')!;
  const added = await h.runHere(['connections', 'add', 'seller', '--auth-code', seller.authCode]);
  if (added.code !== 0) throw new Error(added.stderr);
  port = await freePort();
});

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await h?.close();
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

async function eventually<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== null) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\nworker output:\n${workerOut.slice(-3000)}`,
  );
}

describe('affiliate-etl worker', () => {
  it('serves health, readiness and metrics while it processes scheduled syncs', async () => {
    worker = spawn(process.execPath, [BIN, 'worker', '--concurrency', '2'], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env, METRICS_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (d: Buffer) => {
      workerOut += d.toString();
    });
    worker.stderr?.on('data', (d: Buffer) => {
      workerOut += d.toString();
    });
    await eventually('/healthz', async () => ((await get('/healthz')).status === 200 ? true : null));
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ok: true, checks: { postgres: 'ok', redis: 'ok' } });

    // Interval schedulers start at once: the seller's four streams run without being asked.
    const metrics = await eventually('scheduled runs in /metrics', async () => {
      const m = (await get('/metrics')).body;
      return /affiliate_etl_runs_total\{stream="seller_affiliate_orders",trigger="schedule",status="succeeded"\} 1/.test(
        m,
      )
        ? m
        : null;
    });
    expect(metrics).toMatch(
      /affiliate_etl_api_calls_total\{endpoint="seller_orders_search",status="ok",code="0"\} \d+/,
    );
    expect(metrics).toMatch(
      /affiliate_etl_rows_total\{stream="seller_affiliate_orders",outcome="inserted"\} [1-9]\d*/,
    );
    expect(metrics).toMatch(
      /affiliate_etl_run_duration_seconds_count\{stream="seller_affiliate_orders",status="succeeded"\} 1/,
    );
    // Freshness and the schedule's backlog per stream, never one series per connection.
    expect(metrics).toMatch(
      /affiliate_etl_stream_freshness_max_seconds\{stream="seller_affiliate_orders"\} \d/,
    );
    expect(metrics).toMatch(
      /affiliate_etl_stream_last_success_age_max_seconds\{stream="seller_affiliate_orders"\} \d/,
    );
    expect(metrics).toMatch(/affiliate_etl_stream_stale_pairs\{stream="seller_affiliate_orders"\} 0/);
    expect(metrics).toMatch(/affiliate_etl_schedule_due_not_started\{stream="seller_affiliate_orders"\} \d/);
    expect(metrics).toMatch(
      /affiliate_etl_schedule_oldest_overdue_seconds\{stream="seller_affiliate_orders"\} \d/,
    );
    expect(metrics).not.toMatch(/connection_id=/);
    expect(metrics).toContain('affiliate_etl_process_resident_memory_bytes');
    // Connection states and stream health, read from Postgres (src/metrics/connection-health.ts).
    expect(metrics).toContain('affiliate_etl_connections{state="active"} 1');
    expect(metrics).toContain('affiliate_etl_connections{state="reauth_required"} 0');
    expect(metrics).toMatch(
      /affiliate_etl_stream_success_lag_intervals_max\{stream="seller_affiliate_orders"\} \d/,
    );
    expect((await get('/nope')).status).toBe(404);
  });

  it('a CLI sync is handed to the running worker; status shows the scheduled next runs', async () => {
    const r = await h.run(['sync', '--stream', 'open_collaborations']);
    expect(r.stderr).toContain('Queued 1 sync for the running worker(s); following them');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 of 1 run succeeded.');
    expect(workerOut).toMatch(/"stream":"open_collaborations","trigger":"cli"/);

    const status = await h.runHere(['status', '--connection', '1']);
    expect(status.stdout).toMatch(/seller_affiliate_orders .*\| in \d+m +\| ok +\|/);
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    worker!.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 45_000)),
    ]);
    expect(code).toBe(0);
    expect(workerOut).toContain('"event":"worker_stopping","signal":"SIGTERM"');
    expect(workerOut).toContain('"event":"worker_stopped"');
  });

  it('never printed a secret', () => {
    const transcript = `${h.transcript()}\n${workerOut}`;
    for (const secret of h.secrets()) expect(transcript).not.toContain(secret);
  });
});
