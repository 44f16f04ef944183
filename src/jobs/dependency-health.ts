/**
 * Whether this process currently reaches Postgres and Redis, as its own traffic sees it: a query that
 * lost its connection marks Postgres down, the Redis client's `error` / `ready` events mark Redis.
 * One log line per change (an outage retried every few hundred ms must not flood the log), and
 * listeners (the worker pauses and resumes, metrics expose a gauge).
 */
import type { Logger } from 'pino';
import { errorMessage, errorName } from './failure.ts';

export type Dependency = 'postgres' | 'redis';

export const DEPENDENCIES: readonly Dependency[] = ['postgres', 'redis'];

export interface DependencyHealth {
  isUp(dep: Dependency): boolean;
  /** True while `dep` is down and for `ms` after it came back (the outage's tail). */
  downWithin(dep: Dependency, ms: number): boolean;
  /** Idempotent while down: logs the first error of an outage only. */
  markDown(dep: Dependency, err: unknown): void;
  markUp(dep: Dependency): void;
  /** Called on every change; returns an unsubscribe function. */
  onChange(listener: (dep: Dependency, up: boolean) => void): () => void;
}

export function createDependencyHealth(log: Logger): DependencyHealth {
  const down = new Map<Dependency, number>();
  const backAt = new Map<Dependency, number>();
  const listeners = new Set<(dep: Dependency, up: boolean) => void>();
  const emit = (dep: Dependency, up: boolean) => {
    for (const l of listeners) l(dep, up);
  };
  return {
    isUp: (dep) => !down.has(dep),
    downWithin: (dep, ms) =>
      down.has(dep) || Date.now() - (backAt.get(dep) ?? Number.NEGATIVE_INFINITY) <= ms,
    markDown(dep, err) {
      if (down.has(dep)) return;
      down.set(dep, Date.now());
      log.warn(
        { event: 'dependency_down', dependency: dep, errorClass: errorName(err), err: errorMessage(err) },
        `${dep} unreachable: jobs pause until it answers again`,
      );
      emit(dep, false);
    },
    markUp(dep) {
      const since = down.get(dep);
      if (since === undefined) return;
      down.delete(dep);
      backAt.set(dep, Date.now());
      log.info(
        { event: 'dependency_up', dependency: dep, downMs: Date.now() - since },
        `${dep} reachable again`,
      );
      emit(dep, true);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Socket-level error codes of a Redis client that cannot reach its server. */
const REDIS_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

export function isRedisUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && REDIS_UNREACHABLE.has(e.code)) return true;
  return typeof e?.message === 'string' && /Connection is closed|ECONNREFUSED|ECONNRESET/.test(e.message);
}
