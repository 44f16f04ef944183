/**
 * The engine on a real Redis Cluster (3 masters from the machine's redis-server, loopback ports):
 * the CLI path (enqueueAndWait) and the schedule (dispatcher, worker, watchdog) run with the
 * hash-tagged queue prefix and the Cluster client of REDIS_CLUSTER_NODES, and the load spreads: the
 * queue's keys share one slot, the per-owner rate budget keys land on every shard.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS } from '../../../src/core/streams.ts';
import {
  buildEngineDeps,
  checkQueuedJobs,
  createEngineQueue,
  enqueueAndWait,
  type OwnedEngineDeps,
  startWorker,
} from '../../../src/jobs/index.ts';
import { createLogger } from '../../../src/log.ts';
import { startSandbox } from '../../../src/sandbox/index.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';
import { type LocalRedisCluster, startLocalRedisCluster } from '../../../src/services/index.ts';
import { addSandboxConnections, type HarnessConnection, TEST_ENCRYPTION_KEY } from '../../e2e/harness.ts';

let cluster: LocalRedisCluster;
let sandbox: Sandbox;
let deps: OwnedEngineDeps;
let connections: HarnessConnection[];
const id = randomBytes(4).toString('hex');

beforeAll(async () => {
  cluster = await startLocalRedisCluster();
  sandbox = await startSandbox({ scale: 'tiny', seed: 3 });
  deps = buildEngineDeps({
    databaseUrl: process.env.DATABASE_URL as string,
    redisUrl: cluster.url,
    apiBaseUrl: sandbox.url,
    authBaseUrl: sandbox.authUrl,
    encryptionKey: TEST_ENCRYPTION_KEY,
    log: createLogger({ level: 'warn' }),
    clock: { now: () => new Date(sandbox.clock.nowMs()) },
    ratePerSecond: 1_000,
    redisKeyPrefix: `t:${id}:`,
    retry: { retries: 6, minTimeoutMs: 10, maxTimeoutMs: 100 },
    config: {
      redisClusterNodes: cluster.nodes,
      queuePrefix: `{t-${id}}`,
      queueName: `cluster-${id}`,
      windows: { windowDays: 30, overlapMs: 600_000, safetyLagMs: 0, maturityDays: 90, startDate: null },
      backoffMs: 200,
      busyDelayMs: 300,
      shutdownTimeoutMs: 5_000,
      dispatchTickMs: 50,
    },
  });
  connections = await addSandboxConnections(deps, sandbox);
});

afterAll(async () => {
  await deps?.close();
  await sandbox?.close();
  await cluster?.stop();
});

const pairs = () =>
  connections.flatMap((c) =>
    STREAMS.filter((s) => STREAM_KIND[s] === c.kind).map((s) => ({ connectionId: c.id, stream: s })),
  );

describe('the engine on a 3-master Redis Cluster', () => {
  it('runs CLI syncs through the queue (the same path as scheduled jobs)', async () => {
    expect(deps.redis).toBeInstanceOf(Cluster);
    const summaries = await enqueueAndWait(deps, { syncs: pairs(), processInline: true });
    expect(summaries.map((s) => s.status)).toEqual(pairs().map(() => 'succeeded'));
  });

  it('dispatches every scheduled pair, runs it, and frees it; the watchdog reads the jobs on the shard', async () => {
    await deps.db.sql`insert into etl.schedules (connection_id, stream, every_ms, enabled)
      select c.id, k.stream, 60000, true from etl.connections c
      join unnest(${[...STREAMS]}::text[], ${STREAMS.map((s) => STREAM_KIND[s])}::text[]) as k(stream, kind)
        on k.kind = c.kind`;
    const [{ last }] = (await deps.db.sql`select coalesce(max(id), 0)::int as last from etl.sync_runs`) as [
      { last: number },
    ];
    // One 1-minute interval per real second.
    const base = Date.now();
    const worker = await startWorker(deps, {
      schedule: true,
      concurrency: 4,
      now: () => base + (Date.now() - base) * 60,
    });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [r] = await deps.db.sql<
          { n: number }[]
        >`select count(distinct (connection_id, stream))::int as n
          from etl.sync_runs where trigger = 'schedule' and status = 'succeeded' and id > ${last}`;
        if (r?.n === pairs().length) break;
        if (Date.now() > deadline) throw new Error(`only ${r?.n} of ${pairs().length} pairs ran`);
        await new Promise((res) => setTimeout(res, 200));
      }
    } finally {
      await worker.close();
    }
    const queue = createEngineQueue(deps.redis, deps.config);
    try {
      const pass = await checkQueuedJobs(deps, queue, { nowMs: Date.now() + 3_600_000, graceMs: 0 });
      expect(pass.lost).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('the queue sits in one slot; the rate budget keys spread over the shards', async () => {
    const perNode: { queue: number; other: number }[] = [];
    for (const node of cluster.nodes) {
      const [host, port] = node.split(':') as [string, string];
      const r = new Redis({ host, port: Number(port), maxRetriesPerRequest: 1 });
      try {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
        perNode.push({
          queue: keys.filter((k) => k.startsWith(`{t-${id}}:`)).length,
          other: keys.filter((k) => k.startsWith(`t:${id}:`)).length,
        });
      } finally {
        r.disconnect();
      }
    }
    expect(perNode.filter((n) => n.queue > 0)).toHaveLength(1);
    expect(perNode.filter((n) => n.other > 0).length).toBeGreaterThanOrEqual(2);
  });
});
