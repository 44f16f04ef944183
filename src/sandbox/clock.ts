/**
 * The one virtual clock of the sandbox: `now = real now + offset`. It drives timestamp validation,
 * token expiry and the dataset (order arrival, settlement, collaboration expiry).
 */
export class VirtualClock {
  private offsetMs: number;

  constructor(
    startTimeMs?: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.offsetMs = startTimeMs === undefined ? 0 : startTimeMs - realNow();
  }

  nowMs(): number {
    return this.realNow() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`clock.advance: ms must be a finite number >= 0, got ${ms}`);
    this.offsetMs += ms;
  }
}
