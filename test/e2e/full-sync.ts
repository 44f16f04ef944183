/**
 * Shared steps of the full-sync end-to-end tests: sync every stream of every connection of a
 * harness, and assert that the warehouse equals the sandbox's ground truth for each of them.
 */
import { expect } from 'vitest';
import { STREAM_KIND, STREAMS, type StreamName } from '../../src/core/streams.ts';
import { runSync } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import type { EngineHarness } from './harness.ts';
import { countRows, diffAgainstTruth } from './truth.ts';

export type SyncSummary = Awaited<ReturnType<typeof runSync>>;

/** runSync of every stream of every connection, one after the other, in catalogue order. */
export async function syncAll(h: EngineHarness, trigger: 'cli' | 'schedule' = 'cli'): Promise<SyncSummary[]> {
  const out: SyncSummary[] = [];
  for (const conn of h.connections) {
    for (const stream of STREAMS) {
      if (STREAM_KIND[stream] !== conn.kind) continue;
      out.push(await runSync(h.deps, { connectionId: conn.id, stream, trigger }));
    }
  }
  return out;
}

/** Every run succeeded (the failing ones are named with their error). */
export function expectSucceeded(summaries: SyncSummary[]): void {
  const failed = summaries
    .filter((s) => s.status !== 'succeeded')
    .map((s) => `${s.stream}: ${s.status} ${s.errorMessage ?? ''}`);
  expect(failed).toEqual([]);
}

/**
 * The warehouse equals the ground truth for every owner of `stream` (orders up to the stored
 * watermark), and holds rows for each, so an empty warehouse cannot pass.
 */
export async function expectTruth(h: EngineHarness, stream: StreamName): Promise<void> {
  for (const conn of h.connections.filter((c) => STREAM_KIND[stream] === c.kind)) {
    const owners = stream === 'open_collaboration_products' ? conn.owners.slice(0, 1) : conn.owners;
    for (const owner of owners) {
      const [state] = (await listCheckpoints(h.deps.db.sql, { connectionId: conn.id, stream })).filter(
        (s) => s.scope === owner,
      );
      const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, stream, owner, {
        now: h.deps.clock.now(),
        searchId: `default:${conn.id}`,
        ...(state?.watermark ? { createdBefore: state.watermark } : {}),
      });
      expect(diffs, `${stream} owner ${owner}`).toEqual([]);
      expect(await countRows(h.deps.db, stream, owner, `default:${conn.id}`)).toBeGreaterThan(0);
    }
  }
}

/** expectTruth for every stream. */
export async function expectAllTruth(h: EngineHarness): Promise<void> {
  for (const stream of STREAMS) await expectTruth(h, stream);
}
