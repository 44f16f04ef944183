/**
 * Scheduler watchdog: a Job Scheduler produces its next job only when the previous one is picked up,
 * so a lost "next" job (deleted by hand, a Redis failover that dropped a write) silences it forever.
 * Periodically, every desired scheduler is checked: missing, or its next job missing twice in a row
 * (a single miss can be the instant between two iterations), and it is re-created.
 */
import type { EngineDeps } from './deps.ts';
import type { EngineQueue } from './queues.ts';
import { desiredSchedules, upsertScheduler } from './schedules.ts';

async function nextJobMissing(
  queue: EngineQueue,
  id: string,
): Promise<{ missing: boolean; next: number | null }> {
  const s = await queue.getJobScheduler(id);
  if (!s) return { missing: true, next: null };
  if (s.next === undefined) return { missing: false, next: null };
  const job = await queue.getJob(`repeat:${id}:${s.next}`);
  return { missing: job === undefined, next: s.next };
}

/** One pass; returns the ids it repaired. `confirmDelayMs` separates the two looks at a scheduler. */
export async function checkSchedulers(
  deps: EngineDeps,
  queue: EngineQueue,
  confirmDelayMs = 1_000,
): Promise<string[]> {
  const repaired: string[] = [];
  for (const s of await desiredSchedules(deps)) {
    const first = await nextJobMissing(queue, s.id);
    if (!first.missing) continue;
    await new Promise((r) => setTimeout(r, confirmDelayMs));
    const second = await nextJobMissing(queue, s.id);
    if (!second.missing || (first.next !== null && second.next !== first.next)) continue;
    if (second.next !== null) await queue.removeJobScheduler(s.id);
    await upsertScheduler(deps, queue, s);
    repaired.push(s.id);
    deps.log.warn(
      { event: 'scheduler_repaired', schedulerId: s.id, connectionId: s.connectionId, stream: s.stream },
      'job scheduler had stopped producing jobs: re-created',
    );
  }
  return repaired;
}

export function startWatchdog(deps: EngineDeps, queue: EngineQueue): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkSchedulers(deps, queue)
      .catch((err) =>
        deps.log.warn(
          { event: 'watchdog_failed', err: (err as Error).message },
          'scheduler watchdog pass failed',
        ),
      )
      .finally(() => {
        running = false;
      });
  }, deps.config.watchdogIntervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
