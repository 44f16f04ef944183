/**
 * Page-token expiry is a normal event: with the sandbox rejecting page tokens (once, then at a rate
 * on every stream), every stream of every connection completes, no stream is marked blocked, and the
 * warehouse equals the ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS, type StreamName } from '../../src/core/streams.ts';
import { type RunSummary, runSync } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { diffAgainstTruth } from './truth.ts';

let h: EngineHarness;

beforeAll(async () => {
  // Order pages of 20 rows: five times the page tokens of the default size, so the faults hit often.
  h = await startHarness({
    sandbox: { scale: 'small', seed: 23 },
    engine: { ordersPageSize: 20 },
    label: 'page-token',
  });
});
afterAll(async () => {
  await h?.close();
});

async function expectTruth(connectionId: number, stream: StreamName, owners: string[]) {
  const states = await listCheckpoints(h.deps.db.sql, { connectionId, stream });
  expect(states.every((s) => s.status === 'ok')).toBe(true);
  for (const owner of stream === 'open_collaboration_products' ? owners.slice(0, 1) : owners) {
    const state = states.find((s) => s.scope === owner);
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, stream, owner, {
      now: h.deps.clock.now(),
      searchId: `default:${connectionId}`,
      ...(state?.watermark ? { createdBefore: state.watermark } : {}),
    });
    expect(diffs, `${stream} ${owner}`).toEqual([]);
  }
}

async function syncAll(): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const conn of h.connections)
    for (const stream of STREAMS.filter((s) => STREAM_KIND[s] === conn.kind))
      out.push(await runSync(h.deps, { connectionId: conn.id, stream, trigger: 'cli' }));
  return out;
}

describe('page-token expiry', () => {
  it('an expired token in a snapshot walk re-reads the list and the run succeeds', async () => {
    // The marketplace search is the snapshot list with the most pages at this scale (8 of 20).
    for (const stream of ['open_collaboration_products'] as const) {
      const conn = h.connections.find((c) => c.kind === STREAM_KIND[stream])!;
      h.sandbox.setFaults('page_token_expired=once');
      h.sandbox.resetStats();
      const summary = await runSync(h.deps, { connectionId: conn.id, stream, trigger: 'cli' });
      const stats = h.sandbox.stats();
      h.sandbox.setFaults(null);
      // The rejected token answers 36009004 (a fault the sandbox serves from the handler).
      expect(stats.byCode['36009004'] ?? 0, stream).toBe(1);
      expect(summary.status, `${stream}: ${summary.errorMessage}`).toBe('succeeded');
      await expectTruth(conn.id, stream, conn.owners);
    }
    expect(h.logs.some((l) => l.includes('"list_restart"'))).toBe(true);
  });

  it('with 10 % of page tokens rejected on every stream, every stream completes and equals the truth', async () => {
    h.sandbox.setFaults('page_token_expired=0.1');
    h.sandbox.resetStats();
    await h.sandbox.mutate(1);
    const summaries = await syncAll();
    // A second pass: the incremental runs and re-scans under the same faults.
    await h.sandbox.mutate(1);
    summaries.push(...(await syncAll()));
    const stats = h.sandbox.stats();
    h.sandbox.setFaults(null);
    expect(stats.byCode['36009004'] ?? 0).toBeGreaterThan(10);
    for (const s of summaries) expect(s.status, `${s.stream}: ${s.errorMessage}`).toBe('succeeded');
    for (const conn of h.connections)
      for (const stream of STREAMS.filter((s) => STREAM_KIND[s] === conn.kind))
        await expectTruth(conn.id, stream, conn.owners);
  });
});
