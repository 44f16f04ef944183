/**
 * What the sync and backfill runners share around a run: the connection's token source, built the
 * same way for both, and the summary a finished (or failed) run reports.
 */
import type { Logger } from 'pino';
import type { RunTrigger } from '../load/types.ts';
import { createTokenSource } from '../tiktok/token-source.ts';
import type { TokenSource } from '../tiktok/types.ts';
import type { EngineDeps } from './deps.ts';
import { errorMessage, errorName } from './failure.ts';
import type { RunSummary } from './run-summary.ts';
import type { EngineConnection } from './store.ts';
import type { StreamRun } from './stream-run.ts';

/** Tokens of `conn`, refreshed ahead of expiry and persisted through the engine store. */
export function connectionTokens(deps: EngineDeps, conn: EngineConnection, log: Logger): TokenSource {
  return createTokenSource({
    connectionId: String(conn.id),
    appKey: conn.appKey,
    appSecret: conn.appSecret,
    api: deps.api,
    store: deps.store.tokenStore(conn.id),
    mutex: deps.mutex,
    now: () => deps.clock.now().getTime(),
    refreshAheadSeconds: deps.config.refreshAheadSeconds,
    log,
  });
}

/** The summary of `run` as it stands, with `status` and the error (null when none). */
export function runSummary(
  run: StreamRun,
  trigger: RunTrigger,
  status: RunSummary['status'],
  error: unknown,
  startedMs: number,
): RunSummary {
  return {
    ...run.counts,
    runId: run.runId,
    connectionId: run.connectionId,
    stream: run.stream,
    trigger,
    status,
    windows: run.windowsDone,
    durationMs: Date.now() - startedMs,
    errorClass: error === null ? null : errorName(error),
    errorMessage: error === null ? null : errorMessage(error),
  };
}

/**
 * Writes the run's counts to its sync_runs row every `everyMs` while it runs, so a run whose process
 * dies (SIGKILL, a Postgres outage that also stops it recording its failure) is later closed with the
 * pages and API calls it had committed and its last sign of life, not zeros. Best effort: a failed
 * write is retried at the next tick.
 */
export function startRunHeartbeat(
  run: StreamRun,
  meter: { apiCalls: number; throttledMs: number },
  everyMs: number,
): { stop(): Promise<void> } {
  let inflight: Promise<void> | null = null;
  const beat = () => {
    if (inflight) return;
    const counts = { ...run.counts, apiCalls: meter.apiCalls, throttledMs: Math.round(meter.throttledMs) };
    inflight = run.store
      .recordRunProgress(run.runId, counts)
      .catch((err: unknown) =>
        run.log.debug({ event: 'run_heartbeat_failed', err: errorMessage(err) }, 'run heartbeat failed'),
      )
      .finally(() => {
        inflight = null;
      });
  };
  const timer = setInterval(beat, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inflight;
    },
  };
}
