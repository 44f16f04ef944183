/**
 * Request counters (SandboxStats) and a bounded request log for diagnosis.
 */
import { RpsMeter } from './rate-limit.ts';
import type { SandboxRequestLogEntry as RequestLogEntry, SandboxStats } from './types.ts';

const LOG_CAPACITY = 1000;

export class StatsCollector {
  private s: SandboxStats = StatsCollector.empty();
  private startedAt = performance.now();
  private inFlight = 0;
  private readonly log: RequestLogEntry[] = [];
  private readonly meter = new RpsMeter();

  private static empty(): SandboxStats {
    return {
      requests: 0,
      byPath: {},
      byCode: {},
      badSignatures: 0,
      refreshes: 0,
      throttled: 0,
      faultsServed: 0,
      peakConcurrency: 0,
      peakRpsPerKey: 0,
      requestsPerSecond: 0,
      recordsServed: 0,
      orderLinesServed: 0,
    };
  }

  begin(): void {
    this.inFlight++;
    if (this.inFlight > this.s.peakConcurrency) this.s.peakConcurrency = this.inFlight;
  }

  /** A business request's budget key, counted for peakRpsPerKey. */
  budgetKey(key: string): void {
    this.meter.record(key);
  }

  end(
    entry: RequestLogEntry,
    flags: { badSignature?: boolean; throttled?: boolean; fault?: boolean; refreshed?: boolean },
    served: { records: number; lines: number } = { records: 0, lines: 0 },
  ): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.s.requests++;
    this.s.recordsServed += served.records;
    this.s.orderLinesServed += served.lines;
    this.s.byPath[entry.path] = (this.s.byPath[entry.path] ?? 0) + 1;
    const code = entry.code === null ? `http_${entry.httpStatus}` : String(entry.code);
    this.s.byCode[code] = (this.s.byCode[code] ?? 0) + 1;
    if (flags.badSignature) this.s.badSignatures++;
    if (flags.refreshed) this.s.refreshes++;
    if (flags.throttled) this.s.throttled++;
    if (flags.fault) this.s.faultsServed++;
    if (this.log.length >= LOG_CAPACITY) this.log.shift();
    this.log.push(entry);
  }

  snapshot(): SandboxStats {
    const elapsedS = Math.max((performance.now() - this.startedAt) / 1000, 1e-3);
    return {
      ...this.s,
      byPath: { ...this.s.byPath },
      byCode: { ...this.s.byCode },
      peakRpsPerKey: this.meter.peak,
      requestsPerSecond: Math.round((this.s.requests / elapsedS) * 10) / 10,
    };
  }

  requestLog(): RequestLogEntry[] {
    return [...this.log];
  }

  reset(): void {
    const peakConcurrency = 0;
    this.s = { ...StatsCollector.empty(), peakConcurrency };
    this.startedAt = performance.now();
    this.log.length = 0;
    this.meter.reset();
  }
}
