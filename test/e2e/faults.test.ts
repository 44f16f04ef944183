/**
 * Faults end to end: with 10 % 5xx, 429 bursts, a token expiring mid-run and an expired page token,
 * every sync still completes and equals the ground truth; a revoked token marks its connection and
 * stream while the other connections finish; no secret appears in any log line or run record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS, type StreamName } from '../../src/core/streams.ts';
import { type RunSummary, runSync, SyncRunError } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { getConnection } from '../../src/load/connections.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { diffAgainstTruth } from './truth.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'small', seed: 11 }, label: 'faults' });
});
afterAll(async () => {
  await h?.close();
});

async function expectTruth(connectionId: number, stream: StreamName, owners: string[]) {
  for (const owner of stream === 'open_collaboration_products' ? owners.slice(0, 1) : owners) {
    const state = (await listCheckpoints(h.deps.db.sql, { connectionId, stream })).find(
      (s) => s.scope === owner,
    );
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, stream, owner, {
      now: h.deps.clock.now(),
      searchId: `default:${connectionId}`,
      ...(state?.watermark ? { createdBefore: state.watermark } : {}),
    });
    expect(diffs, `${stream} ${owner}`).toEqual([]);
  }
}

describe('sync under faults', () => {
  it('completes and equals the ground truth with 5xx, 429 bursts, token expiry and an expired page token', async () => {
    h.sandbox.setFaults('5xx=0.1;429burst=0.01x3;token_expiry_after=60;page_token_expired=once');
    h.sandbox.resetStats();
    const summaries: RunSummary[] = [];
    for (const conn of h.connections) {
      for (const [i, stream] of STREAMS.filter((s) => STREAM_KIND[s] === conn.kind).entries()) {
        // Token expiry mid-run, deterministically: the access token in use dies between two streams
        // (absolute expiry passes), so the next call answers 105002 and the client refreshes once.
        if (i === 1)
          h.sandbox.expire(h.sandbox.accounts.find((a) => a.openId === conn.account.openId)!.accessToken);
        summaries.push(await runSync(h.deps, { connectionId: conn.id, stream, trigger: 'cli' }));
      }
    }
    const stats = h.sandbox.stats();
    h.sandbox.setFaults(null);
    expect(stats.faultsServed).toBeGreaterThan(10);
    expect(stats.byCode['105002'] ?? 0).toBeGreaterThan(0);
    for (const s of summaries) expect(s.status, `${s.stream}: ${s.errorMessage}`).toBe('succeeded');
    for (const conn of h.connections) {
      for (const stream of STREAMS.filter((s) => STREAM_KIND[s] === conn.kind))
        await expectTruth(conn.id, stream, conn.owners);
    }
    // The expired page token restarted its window instead of failing the run.
    expect(h.logs.some((l) => l.includes('window_restart'))).toBe(true);
  });

  it('a revoked token marks its connection and stream, and the other connections finish', async () => {
    const creator = h.connections.find((c) => c.kind === 'creator')!;
    const current = h.sandbox.accounts.find((a) => a.openId === creator.account.openId)!;
    h.sandbox.revoke(current.accessToken);
    await h.sandbox.mutate(1);
    const err = await runSync(h.deps, {
      connectionId: creator.id,
      stream: 'creator_affiliate_orders',
      trigger: 'schedule',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(SyncRunError);
    expect((err as SyncRunError).permanent).toBe(true);
    expect((err as SyncRunError).summary.errorClass).toBe('TokenRevokedError');
    const conn = await getConnection(h.deps.db.sql, creator.id);
    expect(conn?.status).toBe('reauth_required');
    const states = await listCheckpoints(h.deps.db.sql, {
      connectionId: creator.id,
      stream: 'creator_affiliate_orders',
    });
    expect(states.every((s) => s.status === 'blocked' && s.errorClass === 'TokenRevokedError')).toBe(true);
    // A later run of the marked connection is skipped, not attempted.
    const skipped = await runSync(h.deps, {
      connectionId: creator.id,
      stream: 'creator_affiliate_orders',
      trigger: 'schedule',
    });
    expect(skipped.status).toBe('skipped');
    for (const other of h.connections.filter((c) => c.id !== creator.id)) {
      for (const stream of STREAMS.filter((s) => STREAM_KIND[s] === other.kind)) {
        const s = await runSync(h.deps, { connectionId: other.id, stream, trigger: 'schedule' });
        expect(s.status).toBe('succeeded');
      }
    }
  });

  it('no token, secret or auth code appears in any log line or run record', async () => {
    expect(h.logs.length).toBeGreaterThan(20);
    const secrets = h.secrets().filter((s) => s.length >= 8);
    expect(secrets.length).toBeGreaterThan(5);
    const runs = await h.deps.db.sql<
      { error_message: string | null }[]
    >`select error_message from etl.sync_runs`;
    const haystack = [...h.logs, ...runs.map((r) => r.error_message ?? '')];
    for (const secret of secrets) {
      const hit = haystack.find((line) => line.includes(secret));
      expect(hit, 'a secret leaked').toBeUndefined();
    }
  });
});
