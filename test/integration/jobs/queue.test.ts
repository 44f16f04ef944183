/**
 * The BullMQ path: the CLI entry (enqueueAndWait) running the same jobs as the schedule, the stream
 * lock (busy -> delayed or skipped, never failed), permanent faults failing fast with
 * UnrecoverableError, and backfills with their ledger. The schedule itself: dispatcher.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS } from '../../../src/core/streams.ts';
import {
  backfillJobId,
  createEngineQueue,
  enqueueAndWait,
  planBackfill,
  startWorker,
} from '../../../src/jobs/index.ts';
import { tryLockStream } from '../../../src/jobs/stream-lock.ts';
import { listCheckpoints } from '../../../src/load/checkpoints.ts';
import { type EngineHarness, startHarness } from '../../e2e/harness.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 5 }, label: 'queue' });
});
afterAll(async () => {
  await h?.close();
});

const DAY = 86_400_000;

describe('enqueueAndWait', () => {
  it('runs CLI syncs through the queue and returns their summaries', async () => {
    const syncs = h.connections.map((c) => ({
      connectionId: c.id,
      stream: STREAMS.find((s) => STREAM_KIND[s] === c.kind)!,
    }));
    const events: string[] = [];
    const summaries = await enqueueAndWait(h.deps, {
      syncs,
      processInline: true,
      onProgress: (e) => events.push(e.state),
    });
    expect(summaries.map((s) => s.status)).toEqual(syncs.map(() => 'succeeded'));
    expect(summaries.every((s) => s.trigger === 'cli' && s.pages > 0 && s.apiCalls >= s.pages)).toBe(true);
    expect(events.filter((e) => e === 'queued')).toHaveLength(syncs.length);
    expect(events.filter((e) => e === 'completed')).toHaveLength(syncs.length);
  });

  it('a CLI job that finds the stream busy is delayed, not failed; a scheduled one is skipped', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const lock = await tryLockStream(h.deps.db, seller.id, 'open_collaborations');
    expect(lock).not.toBeNull();
    setTimeout(() => void lock!.release(), 1_500);
    const started = Date.now();
    const [cli] = await enqueueAndWait(h.deps, {
      syncs: [{ connectionId: seller.id, stream: 'open_collaborations' }],
      processInline: true,
    });
    expect(cli!.status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);

    const again = await tryLockStream(h.deps.db, seller.id, 'open_collaborations');
    try {
      const [scheduled] = await enqueueAndWait(h.deps, {
        syncs: [{ connectionId: seller.id, stream: 'open_collaborations' }],
        trigger: 'schedule',
        processInline: true,
      });
      expect(scheduled!.status).toBe('skipped');
    } finally {
      await again!.release();
    }
  });

  it("a failed run's summary (CLI table and sync_runs row) carries what it committed before failing", async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    // Every marketplace request carrying a page token is refused: the first page commits, then the
    // walk restarts from page 1 without getting further until it gives up (a page token that always
    // fails is not retried forever).
    h.sandbox.setFaults('open_collaboration_products:page_token_expired=1');
    try {
      const [summary] = await enqueueAndWait(h.deps, {
        syncs: [{ connectionId: seller.id, stream: 'open_collaboration_products' }],
        processInline: true,
      });
      expect(summary!.errorClass).toBe('PageTokenStalledError');
      expect(summary!.pages).toBeGreaterThan(0);
      expect(summary!.apiCalls).toBeGreaterThan(summary!.pages);
      expect(summary!.durationMs).toBeGreaterThan(0);
      expect(summary!.runId).not.toBeNull();
      const [row] = await h.deps.db.sql<{ status: string; pages: number; api_calls: number }[]>`
        select status, pages, api_calls from etl.sync_runs where id = ${summary!.runId}`;
      expect(row).toEqual({ status: 'partial', pages: summary!.pages, api_calls: summary!.apiCalls });
    } finally {
      h.sandbox.setFaults(null);
    }
  });

  it('a permanent fault fails fast (no retries) and marks the stream; other jobs succeed', async () => {
    const partner = h.connections.find((c) => c.kind === 'partner')!;
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    await h.deps.db.sql`update etl.connections set shops = '[]'::jsonb where id = ${seller.id}`;
    // A worker on the shared queue, so the failed job stays there to be inspected (a run's own
    // in-process queue is deleted when the run ends).
    const worker = await startWorker(h.deps, { schedule: false, concurrency: 2 });
    try {
      const [bad, good] = await enqueueAndWait(h.deps, {
        syncs: [
          { connectionId: seller.id, stream: 'open_collaborations' },
          { connectionId: partner.id, stream: 'partner_campaigns' },
        ],
        processInline: false,
      });
      expect(bad!.status).toBe('failed');
      expect(bad!.errorClass).toBe('ConnectionSetupError');
      expect(good!.status).toBe('succeeded');
      const queue = createEngineQueue(h.deps.redis, h.deps.config);
      try {
        const [failed] = await queue.getFailed();
        expect(failed?.attemptsMade).toBe(1);
      } finally {
        await queue.close();
      }
    } finally {
      await worker.close();
      await h.deps.db
        .sql`update etl.connections set shops = ${JSON.stringify(seller.account.kind === 'seller' ? seller.account.shops.map((s) => ({ ...s, code: '' })) : [])}::text::jsonb where id = ${seller.id}`;
    }
  });
});

describe('graceful shutdown', () => {
  it('close() lets a job run until the time limit, then aborts it down to fetch; the job is retried, not lost', async () => {
    const creator = h.connections.find((c) => c.kind === 'creator')!;
    h.sandbox.setFaults('latency=400');
    const previous = h.deps.config.shutdownTimeoutMs;
    h.deps.config.shutdownTimeoutMs = 300;
    const queue = createEngineQueue(h.deps.redis, h.deps.config);
    const worker = await startWorker(h.deps, { schedule: false, concurrency: 1 });
    try {
      // Far enough back that the walk needs many slow pages.
      await h.sandbox.mutate(5);
      const job = await queue.add(
        'sync',
        { connectionId: creator.id, stream: 'creator_affiliate_orders', trigger: 'cli' },
        { jobId: `shutdown-${Date.now()}`, attempts: 3, backoff: { type: 'fixed', delay: 60_000 } },
      );
      for (let i = 0; i < 100 && (await job.getState()) !== 'active'; i++)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      await worker.close();
      expect(Date.now() - started).toBeLessThan(3_000);
      const state = await job.getState();
      const fresh = await queue.getJob(job.id!);
      expect(['delayed', 'wait'], `${fresh?.failedReason} attempts ${fresh?.attemptsMade}`).toContain(state);
      const [run] = await h.deps.db.sql<{ status: string; error_class: string | null }[]>`
        select status, error_class from etl.sync_runs where connection_id = ${creator.id}
          and stream = 'creator_affiliate_orders' order by id desc limit 1`;
      expect(['failed', 'partial']).toContain(run!.status);
      expect(h.logs.some((l) => l.includes('shutdown_abort'))).toBe(true);
      await job.remove();
    } finally {
      h.sandbox.setFaults(null);
      h.deps.config.shutdownTimeoutMs = previous;
      await worker.close();
      await queue.close();
    }
  });
});

describe('backfill', () => {
  it('walks an explicit range as ledgered windows, never moving the watermark, idempotent', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const shop = seller.owners[0]!;
    const before = (
      await listCheckpoints(h.deps.db.sql, { connectionId: seller.id, stream: 'seller_affiliate_orders' })
    ).find((s) => s.scope === shop);
    const now = h.deps.clock.now().getTime();
    const from = new Date(Math.floor((now - 100 * DAY) / DAY) * DAY);
    const to = new Date(from.getTime() + 70 * DAY);
    expect(backfillJobId('seller_affiliate_orders', seller.id, from.toISOString(), to.toISOString())).toMatch(
      /^backfill\.seller_affiliate_orders\.\d+\.\d{8}T\d{6}Z\.\d{8}T\d{6}Z$/,
    );
    const [first] = await enqueueAndWait(h.deps, {
      backfills: [{ connectionId: seller.id, stream: 'seller_affiliate_orders', from, to }],
      processInline: true,
    });
    expect(first!.status, first!.errorMessage ?? '').toBe('succeeded');
    expect(first!.trigger).toBe('backfill');
    const ledger = await planBackfill(h.deps, {
      connectionId: seller.id,
      stream: 'seller_affiliate_orders',
      from,
      to,
    });
    expect(ledger.length).toBe(3 * seller.owners.length);
    expect(ledger.every((w) => w.status === 'done' && w.lastPageToken === null)).toBe(true);
    expect(ledger.reduce((n, w) => n + w.pages, 0)).toBe(first!.pages);
    const after = (
      await listCheckpoints(h.deps.db.sql, { connectionId: seller.id, stream: 'seller_affiliate_orders' })
    ).find((s) => s.scope === shop);
    expect(after?.watermark?.getTime()).toBe(before?.watermark?.getTime());

    // Rows of the range equal the ground truth's orders of the range.
    const truth = await h.sandbox.groundTruth('seller_affiliate_orders', shop);
    const inRange = truth.groups[0]!.records.filter((r) => {
      const t = Number(r['create_time']) * 1000;
      return t >= from.getTime() && t < to.getTime();
    });
    const [row] = await h.deps.db.sql<
      { n: string }[]
    >`select count(*) as n from tiktok_affiliate.seller_orders
      where shop_id = ${shop} and create_time >= ${from} and create_time < ${to}`;
    expect(Number(row!.n)).toBe(inRange.length);

    // The same backfill again really runs (not the first run's result handed back): the ledger
    // says every window is done, so it reads nothing.
    const [second] = await enqueueAndWait(h.deps, {
      backfills: [{ connectionId: seller.id, stream: 'seller_affiliate_orders', from, to }],
      processInline: true,
    });
    expect(second!.status).toBe('succeeded');
    expect(second!.runId).not.toBe(first!.runId);
    expect(second!.pages).toBe(0);
    expect(second!.apiCalls).toBe(0);
    const [runs] = await h.deps.db.sql<{ n: string }[]>`
      select count(*) as n from etl.sync_runs where connection_id = ${seller.id} and trigger = 'backfill'`;
    expect(Number(runs!.n)).toBe(2);
  });

  it('refuses snapshot streams and empty ranges with a clear message', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const now = h.deps.clock.now();
    await expect(
      planBackfill(h.deps, {
        connectionId: seller.id,
        stream: 'open_collaborations',
        from: new Date(0),
        to: now,
      }),
    ).rejects.toThrow(/order streams only/);
    await expect(
      planBackfill(h.deps, {
        connectionId: seller.id,
        stream: 'seller_affiliate_orders',
        from: now,
        to: now,
      }),
    ).rejects.toThrow(/empty/);
  });
});
