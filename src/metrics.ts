/**
 * Prometheus metrics of the worker (prom-client), on one registry per process (no global default
 * registry: tests build as many as they like). What operators read, per docs/operations.md:
 *   - API calls by endpoint and result code, call latency, time spent throttled;
 *   - pages and rows by outcome (inserted / updated / unchanged / rejected / removed) per stream;
 *   - run durations and run counts by status;
 *   - freshness per stream (pairs stale, worst and p95 ages), read from the
 *     tiktok_affiliate.stream_freshness view at scrape time (the view, not this process, knows about
 *     runs made by other workers);
 *   - the schedule's backlog per stream: due runs not started, and how late the oldest is.
 * Label values are bounded: endpoints and streams are fixed lists, codes are the API's code set.
 * Never one series per connection: at 70,000 (connection, stream) pairs that would be 70,000
 * series per gauge; per-pair detail is in `affiliate-etl status` and the view.
 * Never a label with a token, a cipher or a shop name.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiCallObserver } from './tiktok/types.ts';

export type ApiCallEvent = Parameters<ApiCallObserver['onCall']>[0];

/** The fields of a run summary the metrics read (structurally the engine's RunSummary). */
export interface RunOutcome {
  stream: string;
  trigger: string;
  status: string;
  durationMs: number;
  pages: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rowsRemoved: number;
}

/** One stream's freshness over its pairs (connection x stream). */
export interface FreshnessReading {
  stream: string;
  /** Scheduled pairs (active connection, schedule enabled). */
  pairs: number;
  /** Of those, pairs with no success for more than STALE_AFTER_INTERVALS of their interval. */
  stalePairs: number;
  /** Seconds since the last successful run, worst and p95 over the pairs that ever succeeded; null = none did. */
  lastSuccessAgeMaxSeconds: number | null;
  lastSuccessAgeP95Seconds: number | null;
  /** Seconds since the newest business timestamp loaded, worst and p95; null = no rows yet. */
  newestBusinessAgeMaxSeconds: number | null;
  newestBusinessAgeP95Seconds: number | null;
}

/**
 * A pair whose last success (or, never succeeded, whose connection was added) is older than this
 * many schedule intervals has stopped syncing: the stale-pairs gauge counts it, and `status --check`
 * and `doctor` fail on it. Three intervals leave room for one slow run and one retry without crying
 * wolf.
 */
export const STALE_AFTER_INTERVALS = 3;

/** One stream's scheduled runs that are due and not started. */
export interface BacklogReading {
  stream: string;
  notStarted: number;
  /** How late the oldest of them is; 0 when there is none. */
  oldestOverdueSeconds: number;
}

export interface MetricsOptions {
  /** Read at every scrape; errors are counted, never thrown into the scrape. */
  readFreshness?: () => Promise<FreshnessReading[]>;
  /** Read at every scrape, like freshness. */
  readBacklog?: () => Promise<BacklogReading[]>;
  /** Node process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
  prefix?: string;
}

export interface Metrics {
  registry: Registry;
  /** Pass as the API client's observer callback (e.g. createRunMeter(metrics.onApiCall)). */
  onApiCall: ApiCallObserver['onCall'];
  recordRun(run: RunOutcome): void;
  /** Whether this process reaches a dependency ('postgres', 'redis') as its own traffic sees it. */
  setDependencyUp(dependency: string, up: boolean): void;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const p = opts.prefix ?? 'affiliate_etl_';
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });

  const apiCalls = new Counter({
    name: `${p}api_calls_total`,
    help: 'TikTok API HTTP attempts by endpoint, outcome and API code (code "0" = success, "none" = no envelope).',
    labelNames: ['endpoint', 'status', 'code'] as const,
    registers: [registry],
  });
  const apiDuration = new Histogram({
    name: `${p}api_call_duration_seconds`,
    help: 'Latency of one TikTok API HTTP attempt.',
    labelNames: ['endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const throttled = new Counter({
    name: `${p}api_throttled_seconds_total`,
    help: 'Time spent waiting on the shared rate budget or on 429 cool-downs (docs/tiktok-api.md#rate-limits).',
    labelNames: ['endpoint'] as const,
    registers: [registry],
  });
  const pages = new Counter({
    name: `${p}pages_total`,
    help: 'Pages committed (rows and checkpoint in one transaction).',
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  const rows = new Counter({
    name: `${p}rows_total`,
    help: 'Rows by outcome: inserted, updated, unchanged, rejected (quarantined), removed (tombstoned).',
    labelNames: ['stream', 'outcome'] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: `${p}runs_total`,
    help: 'Finished runs by stream, trigger and status (succeeded, partial, failed, skipped).',
    labelNames: ['stream', 'trigger', 'status'] as const,
    registers: [registry],
  });
  const runDuration = new Histogram({
    name: `${p}run_duration_seconds`,
    help: 'Wall time of one sync or backfill run.',
    labelNames: ['stream', 'status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers: [registry],
  });
  const freshnessErrors: Counter = new Counter({
    name: `${p}freshness_read_errors_total`,
    help: 'Scrapes whose freshness query failed (Postgres unreachable?).',
    registers: [registry],
    // Joins the scrape's freshness read, so a failure is counted in the same scrape.
    async collect() {
      await readings();
    },
  });
  // Every freshness gauge is filled from ONE query per scrape (and every backlog gauge from one
  // read): prom-client collects metrics concurrently, so the first collect starts the read and the
  // others join it.
  const perScrape = <T>(read: (() => Promise<T>) | undefined, errors: () => Counter) => {
    let inflight: Promise<T | null> | null = null;
    return (): Promise<T | null> => {
      if (!read) return Promise.resolve(null);
      inflight ??= read()
        .catch(() => {
          errors().inc();
          return null;
        })
        .finally(() => {
          // Every collect of one scrape starts in the same tick, so they have all joined by now;
          // the next scrape reads afresh.
          inflight = null;
        });
      return inflight;
    };
  };
  const readings = perScrape(opts.readFreshness, () => freshnessErrors);
  const perStreamGauge = <R extends { stream: string }>(
    name: string,
    help: string,
    read: () => Promise<R[] | null>,
    value: (r: R) => number | null,
  ) => {
    const gauge: Gauge<'stream'> = new Gauge({
      name,
      help,
      labelNames: ['stream'] as const,
      registers: [registry],
      async collect() {
        const rows = await read();
        // A failed read keeps the last good values rather than making the series vanish.
        if (rows === null) return;
        gauge.reset();
        for (const r of rows) {
          const v = value(r);
          if (v !== null) gauge.set({ stream: r.stream }, v);
        }
      },
    });
    return gauge;
  };
  perStreamGauge(
    `${p}stream_pairs`,
    'Scheduled (connection, stream) pairs of a stream: active connections, schedule enabled.',
    readings,
    (r) => r.pairs,
  );
  perStreamGauge(
    `${p}stream_stale_pairs`,
    `Pairs of a stream whose last success (or, never succeeded, the connection's creation) is older than ${STALE_AFTER_INTERVALS} of their schedule intervals.`,
    readings,
    (r) => r.stalePairs,
  );
  perStreamGauge(
    `${p}stream_last_success_age_max_seconds`,
    'Worst time since the last successful run over the pairs of a stream that ever succeeded.',
    readings,
    (r) => r.lastSuccessAgeMaxSeconds,
  );
  perStreamGauge(
    `${p}stream_last_success_age_p95_seconds`,
    '95th percentile of the time since the last successful run over the pairs of a stream.',
    readings,
    (r) => r.lastSuccessAgeP95Seconds,
  );
  perStreamGauge(
    `${p}stream_freshness_max_seconds`,
    'Worst age of the newest business timestamp loaded over the pairs of a stream (absent: no rows).',
    readings,
    (r) => r.newestBusinessAgeMaxSeconds,
  );
  perStreamGauge(
    `${p}stream_freshness_p95_seconds`,
    '95th percentile of the age of the newest business timestamp loaded over the pairs of a stream.',
    readings,
    (r) => r.newestBusinessAgeP95Seconds,
  );

  const backlogErrors: Counter = new Counter({
    name: `${p}backlog_read_errors_total`,
    help: 'Scrapes whose schedule backlog read failed (Postgres or Redis unreachable?).',
    registers: [registry],
    async collect() {
      await backlog();
    },
  });
  const backlog = perScrape(opts.readBacklog, () => backlogErrors);
  perStreamGauge(
    `${p}schedule_due_not_started`,
    'Scheduled runs of a stream that are due and have not started (not yet handed over, or waiting in the queue).',
    backlog,
    (r) => r.notStarted,
  );
  perStreamGauge(
    `${p}schedule_oldest_overdue_seconds`,
    'How late the oldest due and not started run of a stream is (0: none waits).',
    backlog,
    (r) => r.oldestOverdueSeconds,
  );

  const dependencyUp = new Gauge({
    name: `${p}dependency_up`,
    help: 'Whether this worker reaches a dependency (1) or pauses until it answers again (0).',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });

  return {
    registry,
    setDependencyUp(dependency, up) {
      dependencyUp.set({ dependency }, up ? 1 : 0);
    },
    onApiCall(event) {
      const code = event.code === null ? 'none' : String(event.code);
      apiCalls.inc({ endpoint: event.endpoint, status: event.status, code });
      apiDuration.observe({ endpoint: event.endpoint }, event.durationMs / 1000);
      if (event.throttledMs > 0) throttled.inc({ endpoint: event.endpoint }, event.throttledMs / 1000);
    },
    recordRun(run) {
      runs.inc({ stream: run.stream, trigger: run.trigger, status: run.status });
      if (run.status === 'skipped') return;
      runDuration.observe({ stream: run.stream, status: run.status }, run.durationMs / 1000);
      if (run.pages > 0) pages.inc({ stream: run.stream }, run.pages);
      const outcomes: [string, number][] = [
        ['inserted', run.rowsInserted],
        ['updated', run.rowsUpdated],
        ['unchanged', run.rowsUnchanged],
        ['rejected', run.rowsRejected],
        ['removed', run.rowsRemoved],
      ];
      for (const [outcome, n] of outcomes) if (n > 0) rows.inc({ stream: run.stream, outcome }, n);
    },
  };
}
