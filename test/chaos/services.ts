/**
 * Throwaway Postgres and Redis servers the chaos suite may stop and start at will: each on a temp
 * directory and a free loopback port chosen once, so a restart comes back on the SAME port and every
 * client (workers, the runner) reconnects to it. The shared test servers are never touched.
 *
 * Redis keeps an append-only file fsynced on every write: a SIGKILLed Redis comes back with its
 * queue (a production Redis for BullMQ is persistent; an empty one after a crash would be a lost
 * queue, which is another failure than the one this suite measures).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { execOrThrow } from '../../src/services/exec.ts';
import { freePort } from '../../src/services/free-port.ts';
import { waitForPong } from '../../src/services/local-redis.ts';
import { DEBIAN_REDIS_SERVER, findOnPath, findPostgresBin } from '../../src/services/probes.ts';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function postgresIds(): { uid: number; gid: number } {
  const field = (file: string) =>
    Number(
      readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('postgres:'))
        ?.split(':')[2],
    );
  const uid = field('/etc/passwd');
  const gid = field('/etc/group');
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('chaos: running as root needs the `postgres` system user (apt-get install postgresql)');
  return { uid, gid };
}

export interface ChaosPostgres {
  /** Maintenance URL (database `postgres`). */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: every backend dies at once, like a crash (recovery runs on start). */
  stopImmediate(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its directory. */
  destroy(): Promise<void>;
}

export async function startChaosPostgres(): Promise<ChaosPostgres> {
  const binDir = findPostgresBin();
  if (!binDir)
    throw new Error('chaos: no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql');
  const root = isRoot();
  const dataDir = mkdtempSync(join(tmpdir(), 'affiliate-etl-chaos-pg-'));
  if (root) {
    const { uid, gid } = postgresIds();
    chownSync(dataDir, uid, gid);
  }
  const run = (binary: string, args: string[], timeoutMs = 120_000) => {
    const cmd = join(binDir, binary);
    return root
      ? execOrThrow('runuser', ['-u', 'postgres', '--', cmd, ...args], { timeoutMs })
      : execOrThrow(cmd, args, { timeoutMs });
  };
  await run('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1 -c unix_socket_directories=''",
    '-c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  const logFile = join(dataDir, 'server.log');
  let running = false;
  const start = async () => {
    await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start'], 90_000);
    running = true;
  };
  const stopImmediate = async () => {
    running = false;
    await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop'], 60_000);
  };
  await start();
  // A crash of this process must not leave a server holding the directory.
  const onExit = () => {
    if (!running) return;
    const cmd = join(binDir, 'pg_ctl');
    const args = ['-D', dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop'];
    spawn(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: 'ignore',
      detached: true,
    }).unref();
  };
  process.once('exit', onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stopImmediate,
    start,
    async destroy() {
      process.off('exit', onExit);
      if (running) await stopImmediate().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ChaosRedis {
  url: string;
  port: number;
  /** SIGKILL: no shutdown, no final save; what the append-only file holds is what comes back. */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startChaosRedis(): Promise<ChaosRedis> {
  const executable = findOnPath('redis-server') ?? DEBIAN_REDIS_SERVER;
  const dir = mkdtempSync(join(tmpdir(), 'affiliate-etl-chaos-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const proc = spawn(
      executable,
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no'],
        ...['--logfile', join(dir, 'redis.log'), '--maxmemory-policy', 'noeviction', '--save', ''],
        ...['--appendonly', 'yes', '--appendfsync', 'always'],
      ],
      { stdio: 'ignore' },
    );
    proc.once('error', () => undefined);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    child = proc;
    if (!(await waitForPong(port, 20_000))) {
      proc.kill('SIGKILL');
      throw new Error(`chaos: redis-server did not answer on 127.0.0.1:${port} (see ${dir}/redis.log)`);
    }
  };
  const kill = async () => {
    child?.kill('SIGKILL');
    child = null;
    await exited;
  };
  await start();
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async destroy() {
      process.off('exit', onExit);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates (or recreates) a database on the chaos server. */
export async function createChaosDatabase(adminUrl: string, name: string): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
