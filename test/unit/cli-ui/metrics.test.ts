import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type FreshnessReading } from '../../../src/metrics.ts';
import { type MetricsServer, readiness, startMetricsServer } from '../../../src/metrics/server.ts';

const run = {
  stream: 'seller_affiliate_orders',
  trigger: 'schedule',
  status: 'succeeded',
  durationMs: 2_500,
  pages: 3,
  rowsInserted: 10,
  rowsUpdated: 2,
  rowsUnchanged: 0,
  rowsRejected: 1,
  rowsRemoved: 0,
};

describe('createMetrics', () => {
  it('counts API calls by endpoint and code, throttled time, pages, rows by outcome and runs', async () => {
    const m = createMetrics({ processMetrics: false });
    m.onApiCall({
      endpoint: 'seller_orders_search',
      status: 'ok',
      code: 0,
      httpStatus: 200,
      durationMs: 120,
      throttledMs: 0,
      attempt: 1,
    });
    m.onApiCall({
      endpoint: 'seller_orders_search',
      status: 'error',
      code: 36009002,
      httpStatus: 429,
      durationMs: 30,
      throttledMs: 1_500,
      attempt: 1,
    });
    m.onApiCall({
      endpoint: 'seller_orders_search',
      status: 'error',
      code: null,
      httpStatus: null,
      durationMs: 30,
      throttledMs: 0,
      attempt: 2,
    });
    m.recordRun(run);
    m.recordRun({
      ...run,
      status: 'skipped',
      durationMs: 0,
      pages: 0,
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsRejected: 0,
    });
    const text = await m.registry.metrics();
    expect(text).toContain(
      'affiliate_etl_api_calls_total{endpoint="seller_orders_search",status="ok",code="0"} 1',
    );
    expect(text).toContain(
      'affiliate_etl_api_calls_total{endpoint="seller_orders_search",status="error",code="36009002"} 1',
    );
    expect(text).toContain(
      'affiliate_etl_api_calls_total{endpoint="seller_orders_search",status="error",code="none"} 1',
    );
    expect(text).toContain('affiliate_etl_api_throttled_seconds_total{endpoint="seller_orders_search"} 1.5');
    expect(text).toContain(
      'affiliate_etl_api_call_duration_seconds_count{endpoint="seller_orders_search"} 3',
    );
    expect(text).toContain('affiliate_etl_pages_total{stream="seller_affiliate_orders"} 3');
    expect(text).toContain(
      'affiliate_etl_rows_total{stream="seller_affiliate_orders",outcome="inserted"} 10',
    );
    expect(text).toContain('affiliate_etl_rows_total{stream="seller_affiliate_orders",outcome="updated"} 2');
    expect(text).toContain('affiliate_etl_rows_total{stream="seller_affiliate_orders",outcome="rejected"} 1');
    expect(text).not.toContain('outcome="unchanged"');
    expect(text).toContain(
      'affiliate_etl_runs_total{stream="seller_affiliate_orders",trigger="schedule",status="succeeded"} 1',
    );
    expect(text).toContain(
      'affiliate_etl_runs_total{stream="seller_affiliate_orders",trigger="schedule",status="skipped"} 1',
    );
    expect(text).toContain(
      'affiliate_etl_run_duration_seconds_count{stream="seller_affiliate_orders",status="succeeded"} 1',
    );
    expect(text).not.toContain('process_cpu');
  });

  it('reads freshness once per scrape into per-stream gauges (no series per connection), and counts failed reads without failing the scrape', async () => {
    let reads = 0;
    let fail = false;
    const readings: FreshnessReading[] = [
      {
        stream: 'seller_affiliate_orders',
        pairs: 40_000,
        stalePairs: 3,
        lastSuccessAgeMaxSeconds: 3_600,
        lastSuccessAgeP95Seconds: 60,
        newestBusinessAgeMaxSeconds: 7_200,
        newestBusinessAgeP95Seconds: 300,
      },
      {
        stream: 'partner_campaigns',
        pairs: 2,
        stalePairs: 2,
        lastSuccessAgeMaxSeconds: null,
        lastSuccessAgeP95Seconds: null,
        newestBusinessAgeMaxSeconds: null,
        newestBusinessAgeP95Seconds: null,
      },
    ];
    const m = createMetrics({
      processMetrics: false,
      readFreshness: async () => {
        reads += 1;
        if (fail) throw new Error('connection refused');
        return readings;
      },
    });
    const text = await m.registry.metrics();
    expect(reads).toBe(1);
    for (const line of [
      'affiliate_etl_stream_pairs{stream="seller_affiliate_orders"} 40000',
      'affiliate_etl_stream_stale_pairs{stream="seller_affiliate_orders"} 3',
      'affiliate_etl_stream_last_success_age_max_seconds{stream="seller_affiliate_orders"} 3600',
      'affiliate_etl_stream_last_success_age_p95_seconds{stream="seller_affiliate_orders"} 60',
      'affiliate_etl_stream_freshness_max_seconds{stream="seller_affiliate_orders"} 7200',
      'affiliate_etl_stream_freshness_p95_seconds{stream="seller_affiliate_orders"} 300',
      // A stream that never succeeded shows as stale pairs; its ages are absent, not zero.
      'affiliate_etl_stream_stale_pairs{stream="partner_campaigns"} 2',
    ])
      expect(text).toContain(line);
    expect(text).not.toMatch(/connection_id=/);
    expect(text).not.toMatch(/age_max_seconds\{stream="partner_campaigns"\}/);
    fail = true;
    const after = await m.registry.metrics();
    expect(after).toContain('affiliate_etl_freshness_read_errors_total 1');
    // The last good values stay rather than vanishing on one failed read.
    expect(after).toContain('affiliate_etl_stream_stale_pairs{stream="seller_affiliate_orders"} 3');
  });

  it('exports the schedule backlog per stream from one read per scrape; a failed read is counted', async () => {
    let reads = 0;
    let fail = false;
    const m = createMetrics({
      processMetrics: false,
      readBacklog: async () => {
        reads += 1;
        if (fail) throw new Error('redis down');
        return [
          { stream: 'seller_affiliate_orders', notStarted: 1_200, oldestOverdueSeconds: 95.5 },
          { stream: 'partner_campaigns', notStarted: 0, oldestOverdueSeconds: 0 },
        ];
      },
    });
    const text = await m.registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('affiliate_etl_schedule_due_not_started{stream="seller_affiliate_orders"} 1200');
    expect(text).toContain(
      'affiliate_etl_schedule_oldest_overdue_seconds{stream="seller_affiliate_orders"} 95.5',
    );
    expect(text).toContain('affiliate_etl_schedule_due_not_started{stream="partner_campaigns"} 0');
    fail = true;
    const after = await m.registry.metrics();
    expect(after).toContain('affiliate_etl_backlog_read_errors_total 1');
    expect(after).toContain('affiliate_etl_schedule_due_not_started{stream="seller_affiliate_orders"} 1200');
  });
});

describe('metrics server', () => {
  let server: MetricsServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('serves /metrics, /healthz and /readyz (503 with the failing check)', async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordRun(run);
    let redisUp = true;
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry: m.registry,
      readiness: [
        { name: 'postgres', check: async () => undefined },
        {
          name: 'redis',
          check: async () => {
            if (!redisUp) throw new Error('ECONNREFUSED');
          },
        },
      ],
    });
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('affiliate_etl_runs_total');
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    redisUp = false;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ok: false, checks: { postgres: 'ok', redis: 'ECONNREFUSED' } });
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('a hung dependency fails readiness after the timeout instead of hanging the probe', async () => {
    const result = await readiness([{ name: 'redis', check: () => new Promise(() => undefined) }], 50);
    expect(result).toEqual({ ok: false, checks: { redis: 'no answer within 50 ms' } });
  });
});
