/**
 * The schedule in Postgres and its dispatcher: one row per active (connection, stream) following
 * etl.schedules, due runs handed to the queue in bulk, one run per pair in flight, a changed rule
 * governing the next run, no due run lost when the dispatcher dies between its two steps or when no
 * worker runs, one dispatcher at a time among several workers, and runs of a pair never overlapping.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS } from '../../../src/core/streams.ts';
import {
  checkQueuedJobs,
  createEngineQueue,
  DEFAULT_EVERY_MS,
  dispatchDue,
  readScheduleBacklog,
  reconcileSchedules,
  startDispatcher,
  startWorker,
} from '../../../src/jobs/index.ts';
import type { EngineQueue } from '../../../src/jobs/queues.ts';
import { emptyCounts } from '../../../src/jobs/run-summary.ts';
import { type EngineHarness, startHarness } from '../../e2e/harness.ts';

let h: EngineHarness;
let queue: EngineQueue;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { scale: 'tiny', seed: 5 },
    label: 'dispatch',
    engine: { dispatchTickMs: 50, reconcileIntervalMs: 200, watchdogGraceMs: 0 },
  });
  queue = createEngineQueue(h.deps.redis, h.deps.config);
});
afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await h?.close();
});

const MINUTE = 60_000;

interface Row {
  connection_id: number;
  stream: string;
  every_ms: string | null;
  cron: string | null;
  next_run_at: Date;
  queued_job: string | null;
  last_due_at: Date | null;
}

async function rows(): Promise<Row[]> {
  return h.deps.db.sql<Row[]>`select * from etl.schedule_dispatch order by connection_id, stream`;
}

async function resetSchedule(): Promise<void> {
  await queue.obliterate({ force: true });
  await h.deps.db.sql`delete from etl.schedule_dispatch`;
  await h.deps.db.sql`delete from etl.schedules`;
}

describe('the schedule in Postgres', () => {
  it('one row per active (connection, stream) with the defaults, following etl.schedules; idempotent', async () => {
    await resetSchedule();
    const now = Date.now();
    const expected = h.connections.flatMap((c) =>
      STREAMS.filter((s) => STREAM_KIND[s] === c.kind).map((s) => `${c.id}/${s}`),
    );
    const first = await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, now);
    expect(first).toEqual({ created: expected.length, changed: 0, removed: 0 });
    expect(await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, now)).toEqual({
      created: 0,
      changed: 0,
      removed: 0,
    });
    const all = await rows();
    expect(all.map((r) => `${r.connection_id}/${r.stream}`).sort()).toEqual([...expected].sort());
    for (const r of all) {
      const every = DEFAULT_EVERY_MS[r.stream as keyof typeof DEFAULT_EVERY_MS];
      expect(Number(r.every_ms)).toBe(every);
      // None of these pairs ever synced (connections just added): the first run is due at once.
      expect(r.next_run_at.getTime()).toBe(now);
    }
    // A pair that synced before (an upgrade, a schedule enabled again) keeps its spread phase instead.
    const synced = h.connections.find((c) => c.kind === 'seller')!;
    await h.deps.db.sql`insert into etl.sync_state (connection_id, stream, scope)
      values (${synced.id}, 'seller_affiliate_orders', 'x') on conflict do nothing`;
    await h.deps.db.sql`delete from etl.schedule_dispatch
      where connection_id = ${synced.id} and stream = 'seller_affiliate_orders'`;
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, now);
    const [spread] = await h.deps.db.sql<Row[]>`select * from etl.schedule_dispatch
      where connection_id = ${synced.id} and stream = 'seller_affiliate_orders'`;
    expect(spread!.next_run_at.getTime()).toBeGreaterThan(now);
    expect(spread!.next_run_at.getTime()).toBeLessThanOrEqual(now + DEFAULT_EVERY_MS.seller_affiliate_orders);
    await h.deps.db.sql`delete from etl.sync_state where connection_id = ${synced.id} and scope = 'x'`;

    const seller = h.connections.find((c) => c.kind === 'seller')!;
    await h.deps.db.sql`insert into etl.schedules (connection_id, stream, cron, enabled)
      values (${seller.id}, 'open_collaborations', '*/5 * * * *', true)`;
    await h.deps.db.sql`insert into etl.schedules (connection_id, stream, every_ms, enabled)
      values (${seller.id}, 'target_collaborations', 60000, false)`;
    expect(await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, now)).toEqual({
      created: 0,
      changed: 1,
      removed: 1,
    });
    const after = await rows();
    const cron = after.find((r) => r.connection_id === seller.id && r.stream === 'open_collaborations');
    expect(cron?.cron).toBe('*/5 * * * *');
    expect(cron?.next_run_at.getTime()).toBe(Math.floor(now / (5 * MINUTE) + 1) * 5 * MINUTE);
    expect(after.some((r) => r.connection_id === seller.id && r.stream === 'target_collaborations')).toBe(
      false,
    );
  });

  it('a changed interval takes effect at the next run', async () => {
    await resetSchedule();
    const now = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, now);
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    // From hourly to every minute: the next run is within the minute, not up to an hour away.
    await h.deps.db.sql`insert into etl.schedules (connection_id, stream, every_ms, enabled)
      values (${seller.id}, 'open_collaboration_products', 60000, true)`;
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, now);
    const [row] = await h.deps.db.sql<Row[]>`select * from etl.schedule_dispatch
      where connection_id = ${seller.id} and stream = 'open_collaboration_products'`;
    expect(Number(row?.every_ms)).toBe(MINUTE);
    expect(row!.next_run_at.getTime() - now).toBeGreaterThan(0);
    expect(row!.next_run_at.getTime() - now).toBeLessThanOrEqual(MINUTE);
  });
});

describe('dispatching', () => {
  it('hands every due pair to the queue once; a pair with a run in flight is not handed again', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    const pairs = (await rows()).length;
    const later = t0 + 7 * 3_600_000;
    expect(await dispatchDue(h.deps, queue, { nowMs: later, batchSize: 3 })).toBe(pairs);
    expect(await queue.getJobCountByTypes('wait', 'prioritized')).toBe(pairs);
    const held = await rows();
    expect(held.every((r) => r.queued_job?.startsWith(`sched.${r.stream}.${r.connection_id}.`))).toBe(true);
    expect(held.every((r) => r.next_run_at.getTime() > later)).toBe(true);
    // Hours later, each pair still has its run waiting: nothing more is added, nothing is lost.
    expect(await dispatchDue(h.deps, queue, { nowMs: later + 7 * 3_600_000 })).toBe(0);
    expect(await queue.getJobCountByTypes('wait', 'prioritized')).toBe(pairs);
    const job = await queue.getJob(held[0]!.queued_job!);
    expect(job?.data).toMatchObject({
      connectionId: held[0]!.connection_id,
      stream: held[0]!.stream,
      trigger: 'schedule',
      dueAt: held[0]!.last_due_at!.toISOString(),
    });
  });

  it('a dispatcher killed between recording runs and adding them loses none: the next leader owes them', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    const due = t0 + 7 * 3_600_000;
    await expect(
      dispatchDue(h.deps, queue, {
        nowMs: due,
        afterRecord: () => Promise.reject(new Error('killed')),
      }),
    ).rejects.toThrow('killed');
    // What a kill leaves: runs recorded as handed over, none in Redis (the catch that would free
    // them did not run either).
    const recorded = (await rows()).filter((r) => r.queued_job !== null);
    expect(recorded.length).toBeGreaterThan(0);
    const dueBefore = new Map(
      recorded.map((r) => [`${r.connection_id}/${r.stream}`, r.last_due_at!.getTime()]),
    );
    expect(await queue.getJobCountByTypes('wait', 'prioritized')).toBe(0);

    const pass = await checkQueuedJobs(h.deps, queue, { nowMs: due, graceMs: 0 });
    expect(pass.lost).toBe(recorded.length);
    const owed = await rows();
    for (const r of owed.filter((x) => dueBefore.has(`${x.connection_id}/${x.stream}`))) {
      expect(r.queued_job).toBeNull();
      expect(r.next_run_at.getTime()).toBe(dueBefore.get(`${r.connection_id}/${r.stream}`));
    }
    expect(await dispatchDue(h.deps, queue, { nowMs: due })).toBe(owed.length);
    const jobs = await queue.getJobs(['wait', 'prioritized']);
    for (const [key, dueMs] of dueBefore) {
      const [c, s] = key.split('/');
      expect(
        jobs.some((j) => j.id === `sched.${s}.${c}.${dueMs}`),
        key,
      ).toBe(true);
    }
  });

  it('the watchdog leaves pairs whose job waits or is delayed, frees those whose job finished, owes again those whose job is gone', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    const due = t0 + 7 * 3_600_000;
    const pairs = (await rows()).length;
    expect(pairs).toBeGreaterThanOrEqual(4);
    expect(await dispatchDue(h.deps, queue, { nowMs: due })).toBe(pairs);
    const held = await rows();
    const [waiting, delayed, finished, lost] = held;
    // One job moved to delayed (a retry after a transient failure), one finished without freeing its
    // pair (its worker died in between), one gone from Redis (a failover dropped it).
    const retried = (await queue.getJob(delayed!.queued_job!))!;
    await retried.remove();
    await queue.add('sync', retried.data, { jobId: retried.id!, delay: 60_000 });
    // Finished as BullMQ leaves a kept job: marked finished, in the completed set, in no other state.
    const client = (await queue.client) as unknown as Redis;
    const done = finished!.queued_job!;
    await client.hset(queue.toKey(done), 'finishedOn', String(Date.now()));
    await client.zrem(queue.toKey('prioritized'), done);
    await client.zadd(queue.toKey('completed'), Date.now(), done);
    await (await queue.getJob(lost!.queued_job!))!.remove();

    const pass = await checkQueuedJobs(h.deps, queue, { nowMs: due, graceMs: 0 });
    expect(pass).toMatchObject({ checked: pairs, lost: 1, finished: 1 });
    const after = new Map((await rows()).map((r) => [`${r.connection_id}/${r.stream}`, r]));
    const key = (r: Row) => `${r.connection_id}/${r.stream}`;
    expect(after.get(key(waiting!))!.queued_job).toBe(waiting!.queued_job);
    expect(after.get(key(delayed!))!.queued_job).toBe(delayed!.queued_job);
    expect(after.get(key(finished!))).toMatchObject({ queued_job: null, next_run_at: finished!.next_run_at });
    expect(after.get(key(lost!))).toMatchObject({ queued_job: null, next_run_at: lost!.last_due_at });
    // A second pass finds nothing more to repair.
    expect(await checkQueuedJobs(h.deps, queue, { nowMs: due, graceMs: 0 })).toMatchObject({
      checked: pairs - 2,
      lost: 0,
      finished: 0,
    });
  });

  it('a run waiting while no worker runs (a deploy) survives the restart, runs once and frees its pair', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    // Only this pair is scheduled: the others are switched off, so the restarted worker's reconcile
    // does not bring them back (never synced, they would be due at once).
    await h.deps.db.sql`insert into etl.schedules (connection_id, stream, every_ms, enabled)
      select c.id, k.stream, 3600000, false from etl.connections c
      join unnest(${[...STREAMS]}::text[], ${STREAMS.map((s) => STREAM_KIND[s])}::text[]) as k(stream, kind)
        on k.kind = c.kind
      where not (c.id = ${seller.id} and k.stream = 'open_collaborations')`;
    await h.deps.db
      .sql`delete from etl.schedule_dispatch where not (connection_id = ${seller.id} and stream = 'open_collaborations')`;
    expect(await dispatchDue(h.deps, queue, { nowMs: t0 + 2 * 3_600_000 })).toBe(1);
    expect(await queue.getJobCountByTypes('wait', 'prioritized')).toBe(1);
    const [{ last }] = (await h.deps.db.sql`select coalesce(max(id), 0)::int as last from etl.sync_runs`) as [
      { last: number },
    ];
    // The restarted worker takes the lead (reconcile, watchdog: the waiting job is there, so it is
    // neither owed again nor dropped) and runs it. Its clock stands still: nothing else comes due.
    const w = await startWorker(h.deps, { schedule: true, concurrency: 1, now: () => t0 });
    try {
      await waitFor(async () => {
        const [r] = await h.deps.db.sql<
          { queued_job: string | null }[]
        >`select queued_job from etl.schedule_dispatch
          where connection_id = ${seller.id} and stream = 'open_collaborations'`;
        return r?.queued_job === null;
      });
    } finally {
      await w.close();
    }
    const runs = await h.deps.db.sql<{ stream: string; trigger: string; status: string }[]>`
      select stream, trigger, status from etl.sync_runs where id > ${last}`;
    expect(runs).toEqual([{ stream: 'open_collaborations', trigger: 'schedule', status: 'succeeded' }]);
    expect(await queue.getJobCountByTypes('wait', 'prioritized', 'delayed', 'active')).toBe(0);
  });

  it('a worker taking the lead hands over what is due before its upkeep (legacy schedulers, reconcile, watchdog)', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    // A pair that synced before keeps its spread phase: only those due at t0 are handed over.
    const pairs = (await rows()).filter((r) => r.next_run_at.getTime() <= t0).length;
    const leadersBefore = h.logs.filter((l) => l.includes('"event":"dispatcher_leader"')).length;
    // A job body that does nothing but note when its job was added to the queue.
    const addedAt: number[] = [];
    const w = await startWorker(h.deps, {
      schedule: true,
      concurrency: 4,
      now: () => t0,
      processor: async (job) => {
        addedAt.push(job.timestamp);
        return {
          runId: null,
          connectionId: job.data.connectionId,
          stream: job.data.stream,
          trigger: 'schedule',
          status: 'skipped',
          windows: 0,
          durationMs: 0,
          errorClass: null,
          errorMessage: null,
          ...emptyCounts(),
        };
      },
    });
    try {
      await waitFor(
        async () =>
          addedAt.length >= pairs &&
          h.logs.filter((l) => l.includes('"event":"dispatcher_leader"')).length > leadersBefore,
      );
    } finally {
      await w.close();
    }
    const line = h.logs.filter((l) => l.includes('"event":"dispatcher_leader"')).at(-1)!;
    const ledAt = new Date((JSON.parse(line) as { time: string | number }).time).getTime();
    expect(addedAt.length).toBe(pairs);
    // Every due run reached the queue before the leader's upkeep finished (the line closes it).
    for (const t of addedAt) expect(t).toBeLessThan(ledAt);
  });

  it('workers that do not keep up: the backlog is counted per stream and drains oldest due first', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    // Every pair overdue by a different amount, in an order unrelated to its key.
    const all = await rows();
    const late = new Map(all.map((r, i) => [`${r.connection_id}/${r.stream}`, ((i * 7) % all.length) + 1]));
    for (const r of all) {
      const minutes = late.get(`${r.connection_id}/${r.stream}`)!;
      await h.deps.db.sql`update etl.schedule_dispatch set next_run_at = ${new Date(t0 - minutes * MINUTE)}
        where connection_id = ${r.connection_id} and stream = ${r.stream}`;
    }
    const oldestDue = t0 - all.length * MINUTE;
    const perStream = (list: Awaited<ReturnType<typeof readScheduleBacklog>>) =>
      Object.fromEntries(list.filter((b) => b.notStarted > 0).map((b) => [b.stream, b.notStarted]));
    const expected: Record<string, number> = {};
    for (const r of all) expected[r.stream] = (expected[r.stream] ?? 0) + 1;

    // Nothing handed over yet: the backlog is in Postgres.
    const before = await readScheduleBacklog(h.deps.db.sql, queue, new Date(t0));
    expect(perStream(before)).toEqual(expected);
    expect(Math.min(...before.map((b) => b.oldestDueAt?.getTime() ?? Infinity))).toBe(oldestDue);
    // Handed over, waiting for a worker: the backlog is in the queue, the same runs.
    expect(await dispatchDue(h.deps, queue, { nowMs: t0, batchSize: 2 })).toBe(all.length);
    const waiting = await readScheduleBacklog(h.deps.db.sql, queue, new Date(t0));
    expect(perStream(waiting)).toEqual(expected);
    expect(Math.min(...waiting.map((b) => b.oldestDueAt?.getTime() ?? Infinity))).toBe(oldestDue);

    // One worker, one job at a time: the runs start in due order.
    const started: number[] = [];
    const w = await startWorker(h.deps, {
      schedule: false,
      concurrency: 1,
      processor: async (job) => {
        started.push(Date.parse((job.data as { dueAt: string }).dueAt));
        return {
          runId: null,
          connectionId: job.data.connectionId,
          stream: job.data.stream,
          trigger: 'schedule',
          status: 'skipped',
          windows: 0,
          durationMs: 0,
          errorClass: null,
          errorMessage: null,
          ...emptyCounts(),
        };
      },
    });
    try {
      await waitFor(async () => started.length >= all.length);
    } finally {
      await w.close();
    }
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(perStream(await readScheduleBacklog(h.deps.db.sql, queue, new Date(t0)))).toEqual({});
  });

  it('the queue holds at most dispatchQueueDepth waiting runs: the rest of the backlog stays due in Postgres, oldest handed over first', async () => {
    await resetSchedule();
    const t0 = Date.now();
    await reconcileSchedules(h.deps.db.sql, DEFAULT_EVERY_MS, t0);
    const all = await rows();
    for (const [i, r] of all.entries()) {
      await h.deps.db
        .sql`update etl.schedule_dispatch set next_run_at = ${new Date(t0 - (((i * 7) % all.length) + 1) * MINUTE)}
        where connection_id = ${r.connection_id} and stream = ${r.stream}`;
    }
    const oldestFirst = (await rows()).sort((a, b) => a.next_run_at.getTime() - b.next_run_at.getTime());
    const depth = 3;
    expect(all.length).toBeGreaterThan(depth);
    const saved = h.deps.config.dispatchQueueDepth;
    h.deps.config.dispatchQueueDepth = depth;
    // No worker: what the dispatcher hands over waits in the queue.
    const d = startDispatcher(h.deps, queue, { now: () => t0 });
    try {
      // Scheduled runs wait as prioritized jobs (or plain waiting ones): both count.
      const queued = async () => {
        const c = await queue.getJobCounts('wait', 'prioritized');
        return (c['wait'] ?? 0) + (c['prioritized'] ?? 0);
      };
      await waitFor(async () => (await queued()) >= depth);
      // Several more ticks: the queue stays at its depth.
      await new Promise((r) => setTimeout(r, 500));
      expect(await queued()).toBe(depth);
      const handed = (await rows()).filter((r) => r.queued_job !== null);
      expect(handed.map((r) => `${r.connection_id}/${r.stream}`).sort()).toEqual(
        oldestFirst
          .slice(0, depth)
          .map((r) => `${r.connection_id}/${r.stream}`)
          .sort(),
      );
      // The rest is still due, counted as not yet handed over.
      const backlog = await readScheduleBacklog(h.deps.db.sql, queue, new Date(t0));
      expect(backlog.reduce((n, b) => n + b.notStarted, 0)).toBe(all.length);
    } finally {
      await d.stop();
      h.deps.config.dispatchQueueDepth = saved;
    }
  });

  it('two workers: one dispatches; every pair runs again and again, never twice at once', async () => {
    await resetSchedule();
    await h.deps.db.sql`insert into etl.schedules (connection_id, stream, every_ms, enabled)
      select c.id, k.stream, 60000, true from etl.connections c
      join unnest(${[...STREAMS]}::text[], ${STREAMS.map((s) => STREAM_KIND[s])}::text[]) as k(stream, kind)
        on k.kind = c.kind`;
    // The dispatcher's clock runs 60 times faster: one 1-minute interval per real second.
    const base = Date.now();
    const now = () => base + (Date.now() - base) * 60;
    const [{ last }] = (await h.deps.db.sql`select coalesce(max(id), 0)::int as last from etl.sync_runs`) as [
      { last: number },
    ];
    const startRuns = last;
    const leadersBefore = h.logs.filter((l) => l.includes('"event":"dispatcher_leader"')).length;
    const a = await startWorker(h.deps, { schedule: true, concurrency: 2, now });
    const b = await startWorker(h.deps, { schedule: true, concurrency: 2, now });
    const pairs = h.connections.flatMap((c) => STREAMS.filter((s) => STREAM_KIND[s] === c.kind)).length;
    try {
      await waitFor(async () => {
        const [r] = await h.deps.db.sql<{ n: number }[]>`
          select count(distinct (connection_id, stream))::int as n from etl.sync_runs
          where trigger = 'schedule' and id > ${startRuns}`;
        return r?.n === pairs;
      }, 20_000);
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // One of the two took the lead, once; the other stood by.
    expect(h.logs.filter((l) => l.includes('"event":"dispatcher_leader"')).length - leadersBefore).toBe(1);
    type Run = {
      connection_id: number;
      stream: string;
      started_at: Date;
      finished_at: Date | null;
      status: string;
    };
    const runs = await h.deps.db.sql<
      Run[]
    >`select connection_id, stream, started_at, finished_at, status from etl.sync_runs
      where trigger = 'schedule' and id > ${startRuns} order by connection_id, stream, started_at`;
    const byPair = new Map<string, Run[]>();
    for (const r of runs) {
      const k = `${r.connection_id}/${r.stream}`;
      byPair.set(k, [...(byPair.get(k) ?? []), r]);
    }
    expect(byPair.size).toBe(pairs);
    expect([...byPair.values()].some((list) => list.length >= 2)).toBe(true);
    for (const [k, list] of byPair) {
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1]!;
        expect(prev.finished_at, k).not.toBeNull();
        expect(list[i]!.started_at.getTime(), k).toBeGreaterThanOrEqual(prev.finished_at!.getTime());
      }
    }
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
