/**
 * Connection states and stream health as Prometheus gauges, so a connection or stream that stops
 * syncing shows on a dashboard and fires an alert (rules in docs/operations.md), not only in
 * `status` and `doctor`.
 *
 * Cardinality: these are COUNTS per state, per stream and health, never one series per connection:
 * with 10,000 connections a per-connection state gauge would be 30,000 series for one fact an alert
 * needs ("some connection needs re-authorization"); `affiliate-etl status --check` and `doctor` then
 * say which one. Label values come from fixed lists (states, streams, health values).
 *
 *   affiliate_etl_connections{state}                       active | disabled | reauth_required
 *   affiliate_etl_streams{stream,health}                   ok | failing | blocked | never_succeeded,
 *                                                          over the enabled streams of active connections
 *   affiliate_etl_stream_success_lag_intervals_max{stream} the worst (time since the last success, or
 *                                                          since the connection was added when it never
 *                                                          succeeded) divided by the stream's interval
 *   affiliate_etl_connection_health_read_errors_total      refreshes that failed (Postgres down?)
 *   affiliate_etl_connection_health_refreshed_timestamp_seconds  when the gauges were last read
 *
 * The numbers come from Postgres (every worker then reports the same truth, whoever ran the syncs):
 * a few aggregate queries, run at most once per `minRefreshMs` however many scrapers ask, never one
 * query per connection.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { STREAM_KIND, STREAMS, type StreamName } from '../core/streams.ts';
import type { Sql } from '../load/db.ts';

export const CONNECTION_STATES = ['active', 'disabled', 'reauth_required'] as const;
export const STREAM_HEALTH = ['ok', 'failing', 'blocked', 'never_succeeded'] as const;
export type StreamHealthLabel = (typeof STREAM_HEALTH)[number];

export interface ConnectionHealthReading {
  connections: Partial<Record<string, number>>;
  streams: {
    stream: string;
    counts: Partial<Record<StreamHealthLabel, number>>;
    /** null: no enabled pair of this stream on an active connection. */
    maxLagIntervals: number | null;
  }[];
}

export interface ConnectionHealthOptions {
  registry: Registry;
  read: () => Promise<ConnectionHealthReading>;
  /** Scrapes within this long of the last read reuse it. Default 15 s. */
  minRefreshMs?: number;
  prefix?: string;
  now?: () => number;
}

export function registerConnectionHealth(opts: ConnectionHealthOptions): void {
  const p = opts.prefix ?? 'affiliate_etl_';
  const minRefreshMs = opts.minRefreshMs ?? 15_000;
  const now = opts.now ?? Date.now;
  const registers = [opts.registry];
  let last: { at: number; reading: ConnectionHealthReading } | null = null;
  let inflight: Promise<ConnectionHealthReading | null> | null = null;

  // Both join the scrape's read, so a failure or a refresh shows in the same scrape.
  const errors: Counter = new Counter({
    name: `${p}connection_health_read_errors_total`,
    help: 'Refreshes of the connection and stream health gauges that failed (Postgres unreachable?).',
    registers,
    async collect() {
      await reading();
    },
  });
  const refreshed: Gauge = new Gauge({
    name: `${p}connection_health_refreshed_timestamp_seconds`,
    help: 'When the connection and stream health gauges were last read from Postgres (unix seconds).',
    registers,
    async collect() {
      await reading();
    },
  });
  // prom-client collects every metric of a scrape concurrently: the first collect starts the read,
  // the others join it; a read younger than minRefreshMs is reused.
  const reading = (): Promise<ConnectionHealthReading | null> => {
    if (last && now() - last.at < minRefreshMs) return Promise.resolve(last.reading);
    inflight ??= opts
      .read()
      .then((r) => {
        last = { at: now(), reading: r };
        refreshed.set(Math.floor(last.at / 1000));
        return r;
      })
      .catch(() => {
        errors.inc();
        // Keep the previous values: the refreshed timestamp and the error counter show they are old.
        return last?.reading ?? null;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  };

  const connections: Gauge<'state'> = new Gauge({
    name: `${p}connections`,
    help: 'Connections by state: active, disabled (by an operator), reauth_required (the owner must authorize the app again).',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      const r = await reading();
      if (!r) return;
      for (const state of CONNECTION_STATES) connections.set({ state }, r.connections[state] ?? 0);
    },
  });
  const streams: Gauge<'stream' | 'health'> = new Gauge({
    name: `${p}streams`,
    help: 'Enabled streams of active connections by health: ok, failing (retrying), blocked (needs a fix), never_succeeded.',
    labelNames: ['stream', 'health'] as const,
    registers,
    async collect() {
      const r = await reading();
      if (!r) return;
      streams.reset();
      const byStream = new Map(r.streams.map((s) => [s.stream, s]));
      for (const stream of STREAMS)
        for (const health of STREAM_HEALTH)
          streams.set({ stream, health }, byStream.get(stream)?.counts[health] ?? 0);
    },
  });
  const lag: Gauge<'stream'> = new Gauge({
    name: `${p}stream_success_lag_intervals_max`,
    help: 'Worst time since a successful run over the enabled streams of active connections, in multiples of the stream schedule interval (1 = on time).',
    labelNames: ['stream'] as const,
    registers,
    async collect() {
      const r = await reading();
      if (!r) return;
      lag.reset();
      for (const s of r.streams)
        if (s.maxLagIntervals !== null) lag.set({ stream: s.stream }, s.maxLagIntervals);
    },
  });
}

/**
 * The reader over Postgres. `defaultEveryMs` is the engine's default interval per stream (a stream
 * without an etl.schedules row runs at it); a cron rule's interval is estimated by `cronIntervalMs`.
 */
export function connectionHealthReader(
  sql: Sql,
  defaultEveryMs: Readonly<Record<StreamName, number>>,
): () => Promise<ConnectionHealthReading> {
  return async () => {
    const [states, crons] = await Promise.all([
      sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from etl.connections group by status`,
      sql<{ cron: string }[]>`select distinct cron from etl.schedules where cron is not null`,
    ]);
    const rows = await sql<
      {
        stream: string;
        ok: number;
        failing: number;
        blocked: number;
        never_succeeded: number;
        max_lag: number | null;
      }[]
    >`
      with pairs as (${expectedPairs(
        sql,
        defaultEveryMs,
        crons.map((c) => c.cron),
      )}),
      judged as (
        select p.stream, p.interval_ms, p.created_at, ok.finished_at as last_ok,
          (select max(case st.status when 'blocked' then 2 when 'failing' then 1 else 0 end)
           from etl.sync_state st where st.connection_id = p.id and st.stream = p.stream) as rank
        from pairs p
        left join lateral (
          select r.finished_at from etl.sync_runs r
          where r.connection_id = p.id and r.stream = p.stream and r.status = 'succeeded'
          order by r.started_at desc, r.id desc limit 1
        ) ok on true
      )
      select stream,
        count(*) filter (where rank is distinct from 2 and rank is distinct from 1 and last_ok is not null)::int as ok,
        count(*) filter (where rank = 1)::int as failing,
        count(*) filter (where rank = 2)::int as blocked,
        count(*) filter (where coalesce(rank, 0) = 0 and last_ok is null)::int as never_succeeded,
        max(extract(epoch from now() - coalesce(last_ok, created_at)) * 1000 / interval_ms)::float8 as max_lag
      from judged group by stream`;
    return {
      connections: Object.fromEntries(states.map((s) => [s.status, s.n])),
      streams: rows.map((r) => ({
        stream: r.stream,
        counts: { ok: r.ok, failing: r.failing, blocked: r.blocked, never_succeeded: r.never_succeeded },
        maxLagIntervals: r.max_lag === null ? null : Math.max(0, r.max_lag),
      })),
    };
  };
}

const CRON_ALIAS_MS: Readonly<Record<string, number>> = {
  '@yearly': 365 * 86_400_000,
  '@annually': 365 * 86_400_000,
  '@monthly': 31 * 86_400_000,
  '@weekly': 7 * 86_400_000,
  '@daily': 86_400_000,
  '@midnight': 86_400_000,
  '@hourly': 3_600_000,
};

/**
 * The average interval of a cron rule, for judging "has not succeeded for N intervals": fires per day
 * from the minute and hour fields when the rule runs every day; a week when it names days of the
 * week; a month when it names days of the month or months. Estimates only (an alert threshold of a
 * few intervals absorbs the difference); a rule it cannot read counts as daily.
 */
/**
 * The pairs expected to run (active connection, schedule enabled), each with its interval (its
 * etl.schedules rule, a cron rule's estimated by cronIntervalMs, else the stream's default): the body
 * of the `pairs` CTE the health and freshness readings both start from. `crons`: the distinct cron
 * rules in etl.schedules.
 */
export function expectedPairs(
  sql: Sql,
  defaultEveryMs: Readonly<Record<StreamName, number>>,
  crons: readonly string[],
) {
  const kinds = STREAMS.map((s) => STREAM_KIND[s]);
  const defaults = STREAMS.map((s) => defaultEveryMs[s]);
  const cronMs = crons.map((c) => cronIntervalMs(c));
  return sql`
        select c.id, c.created_at, d.stream, coalesce(sch.every_ms::float8, cr.ms, d.ms) as interval_ms
        from etl.connections c
        join unnest(${kinds}::text[], ${STREAMS as unknown as string[]}::text[], ${defaults}::float8[])
          as d(kind, stream, ms) on d.kind = c.kind
        left join etl.schedules sch on sch.connection_id = c.id and sch.stream = d.stream
        left join unnest(${crons as string[]}::text[], ${cronMs}::float8[]) as cr(pattern, ms)
          on cr.pattern = sch.cron
        where c.status = 'active' and coalesce(sch.enabled, true)`;
}

export function cronIntervalMs(expression: string): number {
  const text = expression.trim();
  if (text.startsWith('@')) return CRON_ALIAS_MS[text.toLowerCase()] ?? 86_400_000;
  let fields = text.split(/\s+/).filter((f) => f !== '');
  let perMinute = 1;
  if (fields.length === 6) {
    perMinute = countValues(fields[0]!, 0, 59) ?? 1;
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return 86_400_000;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const wild = (f: string) => f === '*' || f === '?';
  if (!wild(month) || !wild(dom)) return 31 * 86_400_000;
  if (!wild(dow)) return 7 * 86_400_000;
  const minutes = countValues(minute, 0, 59);
  const hours = countValues(hour, 0, 23);
  if (minutes === null || hours === null) return 86_400_000;
  return 86_400_000 / (minutes * hours * perMinute);
}

/** How many values a cron field allows (`*`, `a`, `a-b`, `x/n`, lists); null when unreadable. */
function countValues(field: string, min: number, max: number): number | null {
  const allowed = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\?|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const step = m[3] ? Number(m[3]) : 1;
    const from = m[1] === '*' || m[1] === '?' ? min : Number(m[1]);
    const to = m[2] ? Number(m[2]) : m[1] === '*' || m[1] === '?' || m[3] ? max : from;
    if (step < 1 || from < min || to > max || from > to) return null;
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return allowed.size > 0 ? allowed.size : null;
}
