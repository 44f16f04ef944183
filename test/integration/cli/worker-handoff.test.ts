/**
 * A CLI `sync` and a worker in two processes. The CLI hands its jobs to the running worker and
 * follows them by id; when the worker stops while jobs are still queued, the CLI notices (no worker
 * connected, nobody holds them) and runs the rest itself after a bounded wait, instead of showing a
 * frozen count forever. With no worker at all, the in-process run processes only the jobs it was
 * asked for: scheduled jobs that are due stay in the queue for the workers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_PREFIX, defaultEngineConfig } from '../../../src/jobs/deps.ts';
import { SYNC_JOB, syncJobOptions } from '../../../src/jobs/queues.ts';
import { PROJECT_DIR } from '../../helpers/cli.ts';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

const BIN = fileURLToPath(new URL('../../../bin/affiliate-etl.js', import.meta.url));

let h: CliHarness;
let sql: postgres.Sql;
const ids: Record<'seller' | 'creator' | 'partner', number> = { seller: 0, creator: 0, partner: 0 };

beforeAll(async () => {
  h = await startCliHarness(13);
  sql = postgres(process.env.DATABASE_URL ?? '', { max: 2, onnotice: () => undefined });
  for (const kind of ['seller', 'creator', 'partner'] as const) {
    const account = h.sandbox.accounts.find((a) => a.kind === kind)!;
    const added = await h.runHere(['connections', 'add', kind, '--auth-code', account.authCode, '--id-only']);
    if (added.code !== 0) throw new Error(added.stderr);
    ids[kind] = Number(added.stdout.trim());
  }
});

afterAll(async () => {
  await sql?.end();
  await h?.close();
});

async function runs(trigger: string): Promise<{ connection_id: number; stream: string; status: string }[]> {
  return sql`select connection_id, stream, status from etl.sync_runs where trigger = ${trigger} order by id`;
}

/** Jobs ready to run (scheduled ones carry the sync priority, so they wait as "prioritized"). */
async function ready(queue: Queue): Promise<number> {
  const c = await queue.getJobCounts('wait', 'prioritized');
  return (c.wait ?? 0) + (c.prioritized ?? 0);
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function engineQueue(): { queue: Queue; close(): Promise<void> } {
  const connection = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('affiliate-etl', { connection, prefix: DEFAULT_QUEUE_PREFIX });
  return {
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

describe('sync and workers in separate processes', () => {
  it('with no worker running, runs only the jobs it was asked for: due scheduled jobs stay queued', async () => {
    const { queue, close } = engineQueue();
    try {
      // Scheduled runs waiting in the shared queue, as a worker's dispatcher hands them over (and as
      // they stay when that worker stops before taking them).
      await queue.addBulk(
        (['open_collaborations', 'target_collaborations'] as const).map((stream) => ({
          name: SYNC_JOB,
          data: { connectionId: ids.seller, stream, trigger: 'schedule' as const },
          opts: { ...syncJobOptions(defaultEngineConfig()), jobId: `scheduled-${stream}` },
        })),
      );
      const due = await ready(queue);
      expect(due).toBe(2);
      const r = await h.runHere(['sync', '--connection', String(ids.partner)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('in this process (no worker is running)');
      expect(await runs('schedule')).toEqual([]);
      const cli = await runs('cli');
      expect(cli.length).toBeGreaterThan(0);
      expect(cli.every((x) => x.connection_id === ids.partner && x.status === 'succeeded')).toBe(true);
      // The scheduled jobs are still there for the workers, the run's own queue is gone.
      expect(await ready(queue)).toBe(due);
      const redis = new Redis(h.redisUrl);
      try {
        expect(await redis.keys(`${DEFAULT_QUEUE_PREFIX}:affiliate-etl-run-*`)).toEqual([]);
      } finally {
        redis.disconnect();
      }
    } finally {
      await close();
    }
  });

  it('takes over the queued syncs of a worker that stops while it waits', async () => {
    let out = '';
    const worker: ChildProcess = spawn(process.execPath, [BIN, 'worker', '--concurrency', '4'], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    worker.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number>((resolve) => worker.once('exit', () => resolve(Date.now())));
    const { queue, close } = engineQueue();
    try {
      // The worker first runs the scheduled syncs that are due; let it finish them.
      await until('the worker to start', async () => out.includes('"event":"worker_started"'));
      await until('the scheduled syncs to finish', async () => {
        const c = await queue.getJobCounts('active');
        return (await ready(queue)) === 0 && (c.active ?? 0) === 0;
      });
      // Slow pages: the worker cannot finish every CLI sync before it is stopped.
      h.sandbox.setFaults('latency=150');
      const before = (await runs('cli')).length;

      const started = Date.now();
      const sync = h.runHere(['sync']);
      // Stop the worker as soon as it finished one of the CLI's syncs: the rest are still queued.
      await until('a first CLI sync on the worker', async () => (await runs('cli')).length > before);
      worker.kill('SIGTERM');
      const stoppedAt = await exited;
      const r = await sync;
      const finishedAt = Date.now();

      expect(r.stderr).toContain('Queued');
      // The progress line says where the unfinished jobs are, not a frozen count.
      expect(r.stderr).toMatch(/\[sync\] \d+\/\d+ syncs, \d+ running, \d+ waiting, \d+ workers? connected/);
      expect(r.stderr).toMatch(
        /had no live worker for \d+\.\d s \(no worker is connected any more\): running (it|them) in this process/,
      );
      expect(r.code, `${r.stderr}\n--- worker ---\n${out.slice(-2000)}`).toBe(0);
      const cli = (await runs('cli')).slice(before);
      // Every selected sync ran exactly once (some on the worker, the rest here), and succeeded.
      const pairs = cli.map((x) => `${x.connection_id}/${x.stream}`);
      expect(new Set(pairs).size).toBe(pairs.length);
      expect(cli.every((x) => x.status === 'succeeded')).toBe(true);
      expect(r.stdout).toContain(`${pairs.length} of ${pairs.length} runs succeeded.`);
      // Bounded: takeover 5 s after the worker left (+ one poll), then the remaining syncs.
      const waited = finishedAt - stoppedAt;
      console.info(
        `${pairs.length} syncs; worker stopped ${((stoppedAt - started) / 1000).toFixed(1)} s into the sync; ` +
          `the CLI finished ${(waited / 1000).toFixed(1)} s later; ${/\d+ syncs? had no live worker for [\d.]+ s/.exec(r.stderr)?.[0]}`,
      );
      expect(waited).toBeLessThan(30_000);
    } finally {
      h.sandbox.setFaults(null);
      if (worker.exitCode === null) worker.kill('SIGKILL');
      await close();
    }
  }, 90_000);
});
