/**
 * A Redis server from the machine's own `redis-server` on a free loopback port, as a child process.
 *
 * test mode: no persistence, a temporary directory deleted on stop.
 * quickstart mode: append-only file in <project>/.tmp/quickstart/redis, reused by later runs.
 * Both use `noeviction`: BullMQ requires it (an evicted job key is a lost job).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { freePort } from './free-port.ts';
import type { RunningService, ServicesMode } from './types.ts';

export interface LocalRedisOptions {
  mode: ServicesMode;
  projectDir: string;
  log: Logger;
  executable: string;
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<RunningService> {
  const dir =
    opts.mode === 'test'
      ? mkdtempSync(join(tmpdir(), 'affiliate-etl-redis-'))
      : join(opts.projectDir, '.tmp', 'quickstart', 'redis');
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'redis.log');
  const persistence =
    opts.mode === 'test' ? ['--save', '', '--appendonly', 'no'] : ['--save', '', '--appendonly', 'yes'];

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      opts.executable,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--logfile',
        logFile,
        '--maxmemory-policy',
        'noeviction',
        ...persistence,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('error', () => {});
    const ready = await Promise.race([waitForPong(port, 15_000), exited.then(() => false)]);
    if (ready) {
      let stopped = false;
      // If this process exits without stop() (a crash, a forced Ctrl-C), take redis down with it.
      const onExit = () => {
        child.kill('SIGTERM');
        if (opts.mode === 'test') rmSync(dir, { recursive: true, force: true });
      };
      process.once('exit', onExit);
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        process.off('exit', onExit);
        // SIGTERM = graceful shutdown: the quick start's append-only file is flushed first.
        child.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!done) child.kill('SIGKILL');
        if (opts.mode === 'test') rmSync(dir, { recursive: true, force: true });
      };
      return { url: `redis://127.0.0.1:${port}`, where: `redis-server on 127.0.0.1:${port} (${dir})`, stop };
    }
    child.kill('SIGKILL');
    // A port taken between the probe and the bind makes redis exit at once: retry on another.
    if (attempt >= 3) {
      if (opts.mode === 'test') rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${tailOf(logFile)}`);
    }
  }
}

/** Polls with a raw RESP PING (no client library needed) until +PONG or the deadline. */
export async function waitForPong(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingOnce(port)) return true;
    await sleep(50);
  }
  return false;
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => finish(d.toString().startsWith('+PONG')));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function tailOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no redis log)';
  }
}
