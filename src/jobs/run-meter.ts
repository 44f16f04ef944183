/**
 * Attributes the API client's per-call reports to the run that made them. The client is built once
 * per process (deps) and shared by concurrent runs, so the observer looks the current run up in an
 * AsyncLocalStorage that runSync enters: every await below it, fetch included, stays attributed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiCallObserver } from '../tiktok/types.ts';

export interface ApiMeter {
  apiCalls: number;
  apiErrors: number;
  throttledMs: number;
}

export interface RunMeter {
  /** Pass to createApiClient({ observer }). */
  observer: ApiCallObserver;
  /** Runs fn with a fresh meter bound to every API call it makes. */
  measure<T>(fn: (meter: ApiMeter) => Promise<T>): Promise<T>;
}

export function createRunMeter(onCall?: ApiCallObserver['onCall']): RunMeter {
  const storage = new AsyncLocalStorage<ApiMeter>();
  return {
    observer: {
      onCall(event) {
        const meter = storage.getStore();
        if (meter) {
          meter.apiCalls += 1;
          if (event.status === 'error') meter.apiErrors += 1;
          meter.throttledMs += event.throttledMs;
        }
        onCall?.(event);
      },
    },
    measure(fn) {
      const meter: ApiMeter = { apiCalls: 0, apiErrors: 0, throttledMs: 0 };
      return storage.run(meter, () => fn(meter));
    },
  };
}
