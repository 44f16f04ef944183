/**
 * Throwaway Postgres and Redis servers that a test may stop and start again (on the same port, with
 * the same data) to play an outage. Never the shared services: those serve every engineer's tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/services/free-port.ts';
import { DEBIAN_REDIS_SERVER, findPostgresBin } from '../../src/services/probes.ts';

export interface OutageServer {
  url: string;
  /** Stops the server (Postgres: fast shutdown, its sessions get FATAL 57P01; Redis: SIGKILL). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function uidOf(file: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  return Number(line?.split(':')[2]);
}

export async function throwawayPostgres(): Promise<OutageServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries on this machine (initdb, pg_ctl)');
  const dataDir = mkdtempSync(join(tmpdir(), 'aet-outage-pg-'));
  if (asRoot) chownSync(dataDir, uidOf('/etc/passwd'), uidOf('/etc/group'));
  const run = (cmd: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : join(bin, cmd),
      asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args,
      {
        stdio: 'pipe',
        timeout: 60_000,
      },
    );
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const serverArgs = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=100`;
  const start = async () => {
    run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(dataDir, 'server.log'),
      '-o',
      serverArgs,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  };
  let up = false;
  const stop = async () => {
    if (!up) return;
    run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    up = false;
  };
  await start();
  up = true;
  // A test that dies must not leave a server behind.
  const onExit = () => {
    try {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop']);
    } catch {}
  };
  process.once('exit', onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    async start() {
      await start();
      up = true;
    },
    async destroy() {
      process.off('exit', onExit);
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Stop = SIGKILL (clients see ECONNREFUSED until start); an fsync-always AOF keeps every job. */
export async function throwawayRedis(): Promise<OutageServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'aet-outage-redis-'));
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn(
      DEBIAN_REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const stop = async () => {
    const p = proc;
    if (!p) return;
    proc = null;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  const onExit = () => proc?.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    async destroy() {
      process.off('exit', onExit);
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; on time-out the error carries the worker's last lines. */
export async function untilWorker(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  w: { lines: string[] },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; worker said:\n${w.lines.slice(-15).join('\n')}`);
    await sleep(50);
  }
}
