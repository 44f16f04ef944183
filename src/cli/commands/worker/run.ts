/**
 * The body of `affiliate-etl worker`: the engine's worker (src/jobs/worker.ts) plus what an
 * operator runs it with: metrics (src/metrics.ts), health endpoints, a Redis eviction check, and
 * signal handling. The CLI is the edge, so the signal handlers are installed here, never in src/jobs.
 */
import type { EventEmitter } from 'node:events';
import { DEPENDENCIES } from '../../../jobs/dependency-health.ts';
import { installLastResort } from '../../../log.ts';
import { createMetrics, type RunOutcome } from '../../../metrics.ts';
import { connectionHealthReader, registerConnectionHealth } from '../../../metrics/connection-health.ts';
import { freshnessReader } from '../../../metrics/freshness.ts';
import { type MetricsServer, startMetricsServer } from '../../../metrics/server.ts';
import type { CliContext } from '../../context.ts';
import { withEngine } from '../../common/engine.ts';

export interface WorkerCommandInput {
  concurrency: number | null;
  /** Where SIGTERM/SIGINT come from (the process; tests pass an emitter). */
  signals: Pick<EventEmitter, 'once' | 'off'>;
  /** Log and exit on an uncaught exception / unhandled rejection (the real command: true). */
  lastResort?: boolean;
}

export async function runWorkerCommand(ctx: CliContext, input: WorkerCommandInput): Promise<void> {
  await withEngine(ctx, 'worker', async ({ deps, config, jobs, log, redis: redisInfo }) => {
    if (redisInfo.maxmemoryPolicy && redisInfo.maxmemoryPolicy !== 'noeviction') {
      // BullMQ keeps jobs and locks as ordinary keys: an evicting Redis silently drops them.
      log.warn(
        { event: 'redis_eviction_policy', maxmemoryPolicy: redisInfo.maxmemoryPolicy },
        `Redis maxmemory-policy is ${redisInfo.maxmemoryPolicy}; set it to noeviction (jobs and locks may be evicted otherwise)`,
      );
    }
    // The backlog reads the queue's waiting jobs through a queue handle of its own (closed below).
    const backlogQueue = jobs.createEngineQueue(deps.redis, deps.config);
    const metrics = createMetrics({
      readFreshness: freshnessReader(deps.db.sql, deps.config.defaultEveryMs),
      readBacklog: async () => {
        const now = new Date();
        const backlog = await jobs.readScheduleBacklog(deps.db.sql, backlogQueue, now);
        return backlog.map((b) => ({
          stream: b.stream,
          notStarted: b.notStarted,
          oldestOverdueSeconds: b.oldestDueAt
            ? Math.max(0, (now.getTime() - b.oldestDueAt.getTime()) / 1000)
            : 0,
        }));
      },
    });
    registerConnectionHealth({
      registry: metrics.registry,
      read: connectionHealthReader(deps.db.sql, deps.config.defaultEveryMs),
    });
    for (const dep of DEPENDENCIES) metrics.setDependencyUp(dep, deps.health.isUp(dep));
    const offHealth = deps.health.onChange((dep, up) => metrics.setDependencyUp(dep, up));
    // The engine's API client reports every call to deps.meter.observer; metrics see them too.
    const observer = deps.meter.observer;
    const attribute = observer.onCall.bind(observer);
    observer.onCall = (event) => {
      attribute(event);
      metrics.onApiCall(event);
    };
    const concurrency = input.concurrency ?? config.worker.concurrency;
    const running = await jobs.startWorker(deps, { concurrency });
    running.worker.on('completed', (_job, result) => {
      if (result) metrics.recordRun(result as RunOutcome);
    });
    running.worker.on('failed', (_job, err) => {
      // The processor attaches the run's summary to the error it throws (src/jobs/processor.ts).
      const summary = (err as { summary?: RunOutcome } | undefined)?.summary;
      if (summary) metrics.recordRun(summary);
    });
    let server: MetricsServer | null = null;
    const removeLastResort = input.lastResort
      ? installLastResort(log, process, (code) => process.exit(code))
      : null;
    try {
      if (config.metricsPort !== undefined) {
        server = await startMetricsServer({
          port: config.metricsPort,
          registry: metrics.registry,
          readiness: [
            { name: 'postgres', check: async () => void (await deps.db.sql`select 1`) },
            { name: 'redis', check: async () => void (await deps.redis.ping()) },
          ],
        });
      }
      log.info(
        { event: 'worker_ready', concurrency, metricsPort: server?.port ?? null },
        `worker ready: concurrency ${concurrency}${server ? `, metrics on :${server.port}/metrics` : ''}; stop with SIGTERM or Ctrl-C`,
      );
      const signal = await nextSignal(input.signals);
      log.info({ event: 'worker_stopping', signal }, `${signal}: finishing active jobs, then stopping`);
    } finally {
      offHealth();
      await running.close();
      await server?.close();
      await backlogQueue.close();
      removeLastResort?.();
    }
  });
}

function nextSignal(signals: WorkerCommandInput['signals']): Promise<'SIGTERM' | 'SIGINT'> {
  return new Promise((resolve) => {
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    const done = (s: 'SIGTERM' | 'SIGINT') => {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
      resolve(s);
    };
    signals.once('SIGTERM', onTerm);
    signals.once('SIGINT', onInt);
  });
}
