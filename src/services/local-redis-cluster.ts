/**
 * A throwaway Redis Cluster of N masters (3 by default) from the machine's own `redis-server`, on
 * loopback ports, for tests and benchmarks: each node in cluster mode with a temporary directory, the
 * 16,384 slots split evenly (CLUSTER ADDSLOTSRANGE), the nodes introduced (CLUSTER MEET), and the
 * cluster awaited until every node reports `cluster_state:ok`. No replicas: a test of the engine
 * needs the slot routing (MOVED, CROSSSLOT), not failover.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitForPong } from './local-redis.ts';

export interface LocalRedisCluster {
  /** `127.0.0.1:port` of every master (REDIS_CLUSTER_NODES). */
  nodes: string[];
  /** A URL of the first node (REDIS_URL: what single-node probes reach). */
  url: string;
  stop(): Promise<void>;
}

const SLOTS = 16_384;

/** A port whose cluster bus port (+10000) is free as well. */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
  throw new Error('no free pair of ports (port, port + 10000) for a Redis Cluster node');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startLocalRedisCluster(
  opts: { executable?: string; masters?: number } = {},
): Promise<LocalRedisCluster> {
  const masters = opts.masters ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'affiliate-etl-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const clients: Redis[] = [];
  const stop = async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await clusterPort();
      const child = spawn(
        opts.executable ?? 'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
          '--logfile',
          join(dir, `redis-${port}.log`),
        ],
        { stdio: 'ignore' },
      );
      child.once('error', () => undefined);
      children.push(child);
      if (!(await waitForPong(port, 15_000)))
        throw new Error(`redis-server (cluster node) did not start on ${port}`);
      ports.push(port);
    }
    for (const port of ports) {
      const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 2 });
      c.on('error', () => undefined);
      clients.push(c);
    }
    const per = Math.ceil(SLOTS / masters);
    await Promise.all(
      clients.map((c, i) =>
        c.call('CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(Math.min(SLOTS, (i + 1) * per) - 1)),
      ),
    );
    const first = clients[0] as Redis;
    for (const port of ports.slice(1)) await first.call('CLUSTER', 'MEET', '127.0.0.1', String(port));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO') as Promise<string>));
      const ok = infos.every(
        (t) => t.includes('cluster_state:ok') && t.includes(`cluster_known_nodes:${masters}`),
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not converge:\n${infos[0]}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const c of clients) c.disconnect();
    clients.length = 0;
  } catch (err) {
    await stop();
    throw err;
  }
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    url: `redis://127.0.0.1:${ports[0]}`,
    stop,
  };
}
