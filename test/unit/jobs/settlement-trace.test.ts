import { describe, expect, it } from 'vitest';
import { rescanLine } from '../../../src/cli/common/status-render.ts';
import type { StreamStatus } from '../../../src/cli/common/status-data.ts';
import { DAY_MS, DEFAULT_RESCAN_POLICY } from '../../../src/extract/windows.ts';
import {
  TRACE_REPROBE_MS,
  traceCursor,
  traceDue,
  traceRescanPolicy,
  traceStateFromCursor,
} from '../../../src/jobs/settlement-trace.ts';

const HOUR = 3_600_000;

describe('the trace path state and policy', () => {
  it('round-trips through the cursor; unreadable values are dropped', () => {
    const state = { settledTo: Date.parse('2026-06-30T10:00:00Z'), refusedAt: null };
    expect(traceStateFromCursor(traceCursor(state))).toEqual(state);
    expect(traceCursor({ settledTo: null, refusedAt: null })).toEqual({});
    expect(traceStateFromCursor({ trace: { settledTo: 'garbage', refusedAt: 5 } })).toEqual({
      settledTo: null,
      refusedAt: null,
    });
  });

  it('a refusal is trusted for a day, then the search is asked again', () => {
    const refusedAt = Date.parse('2026-06-30T10:00:00Z');
    expect(traceDue({ settledTo: null, refusedAt }, new Date(refusedAt + TRACE_REPROBE_MS - 1))).toBe(false);
    expect(traceDue({ settledTo: null, refusedAt }, new Date(refusedAt + TRACE_REPROBE_MS))).toBe(true);
    expect(traceDue({ settledTo: null, refusedAt: null }, new Date(refusedAt))).toBe(true);
  });

  it('keeps the tiers of the first week, then re-reads older open days daily', () => {
    expect(traceRescanPolicy(DEFAULT_RESCAN_POLICY).tiers).toEqual([
      { maxAgeDays: 2, everyMs: 0 },
      { maxAgeDays: 7, everyMs: HOUR },
      { maxAgeDays: 90, everyMs: DAY_MS },
    ]);
    expect(
      traceRescanPolicy({ ...DEFAULT_RESCAN_POLICY, tiers: [{ maxAgeDays: 90, everyMs: 0 }] }).tiers,
    ).toEqual([
      { maxAgeDays: 7, everyMs: 0 },
      { maxAgeDays: 90, everyMs: DAY_MS },
    ]);
    expect(traceRescanPolicy(DEFAULT_RESCAN_POLICY).deepEveryMs).toBe(DEFAULT_RESCAN_POLICY.deepEveryMs);
  });

  it('status says where settlements come from', () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const line = (settlements: { settledTo: Date | null; refusedAt: Date | null }) =>
      rescanLine(
        {
          connectionId: 4,
          stream: 'creator_affiliate_orders',
          rescan: { lastRuns: { '<2d': now }, oldestOpenDay: null, settlements },
        } as unknown as StreamStatus,
        now,
      );
    expect(line({ settledTo: new Date(now.getTime() - 10 * 60_000), refusedAt: null })).toMatch(
      /; settlements by trace search, read to .*ago$/,
    );
    expect(line({ settledTo: null, refusedAt: new Date(now.getTime() - 3 * HOUR) })).toMatch(
      /; settlements by re-scan \(trace search refused .*, asked again at 2026-07-01 09:00/,
    );
  });
});
