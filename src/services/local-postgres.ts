/**
 * A PostgreSQL server from the machine's own binaries (Debian: /usr/lib/postgresql/NN/bin) on a
 * free loopback port. Postgres refuses to run as root, so as root every server command runs as
 * the `postgres` system user (created by the Debian package) in a directory that user owns.
 *
 * test mode: a fresh temporary cluster tuned for speed (durability off), deleted on stop.
 * quickstart mode: a durable cluster in <project>/.tmp/quickstart/postgres, reused by later runs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import postgres from 'postgres';
import { exec, execOrThrow } from './exec.ts';
import { freePort } from './free-port.ts';
import type { RunningService, ServicesMode } from './types.ts';

export const QUICKSTART_DATABASE = 'affiliate_etl';

const TEST_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
// Sockets off: the default socket directory (/var/run/postgresql) may be missing or not writable,
// and a socket path under a deep project directory can exceed the 107-byte limit. TCP only.
const COMMON_SETTINGS = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=200'];

export interface LocalPostgresOptions {
  mode: ServicesMode;
  projectDir: string;
  log: Logger;
  binDir: string;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<RunningService> {
  const asRoot = isRoot();
  const dataDir = await prepareDataDir(opts, asRoot);
  const run = (binary: string, args: string[], timeoutMs = 120_000) => {
    const cmd = join(opts.binDir, binary);
    return asRoot
      ? execOrThrow('runuser', ['-u', 'postgres', '--', cmd, ...args], { timeoutMs })
      : execOrThrow(cmd, args, { timeoutMs });
  };
  const version = opts.binDir.match(/postgresql\/(\d+)\//)?.[1] ?? '';
  const label = `PG ${version}`.trim();

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const initArgs = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'];
    await run('initdb', opts.mode === 'test' ? [...initArgs, '--no-sync'] : initArgs).catch((err: Error) => {
      if (opts.mode === 'test') rmSync(dataDir, { recursive: true, force: true });
      throw err;
    });
  }

  const already = await runningPort(opts.binDir, dataDir, asRoot);
  if (already !== null) {
    const url = `postgres://postgres@127.0.0.1:${already}/${await ensureDatabase(opts.mode, already)}`;
    return {
      url,
      where: `${label} already running on 127.0.0.1:${already} (${dataDir})`,
      stop: async () => {},
    };
  }

  const settings = opts.mode === 'test' ? [...COMMON_SETTINGS, ...TEST_SETTINGS] : COMMON_SETTINGS;
  const logFile = join(dataDir, 'server.log');
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const serverArgs = [`-p ${port}`, ...settings.map((s) => `-c ${s.endsWith('=') ? `${s}''` : s}`)].join(
      ' ',
    );
    try {
      await run(
        'pg_ctl',
        ['-D', dataDir, '-l', logFile, '-o', serverArgs, '-w', '-t', '60', 'start'],
        90_000,
      );
      break;
    } catch (err) {
      // Another process may have taken the free port between the probe and the bind: retry.
      if (attempt >= 3) {
        const message = `${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`;
        if (opts.mode === 'test') rmSync(dataDir, { recursive: true, force: true });
        throw new Error(message);
      }
    }
  }

  let stopped = false;
  // pg_ctl daemonizes the server: if this process exits without stop() (a crash, a forced Ctrl-C),
  // stop it synchronously on the way out rather than leave an orphan holding the data dir.
  const onExit = () => {
    const args = ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '10'];
    const cmd = join(opts.binDir, 'pg_ctl');
    spawnSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: 'ignore',
    });
    if (opts.mode === 'test') rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop'], 60_000).catch((err: Error) =>
      opts.log.warn({ err }, 'services: stopping local postgres failed'),
    );
    if (opts.mode === 'test') rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const database = await ensureDatabase(opts.mode, port);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/${database}`,
      where: `${label} on 127.0.0.1:${port} (${dataDir})`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function prepareDataDir(opts: LocalPostgresOptions, asRoot: boolean): Promise<string> {
  let dataDir: string;
  if (opts.mode === 'test') {
    dataDir = mkdtempSync(join(tmpdir(), 'affiliate-etl-pg-'));
  } else {
    dataDir = join(opts.projectDir, '.tmp', 'quickstart', 'postgres');
    makeDataDir(dataDir);
  }
  if (!asRoot) return dataDir;
  chownSync(dataDir, postgresUid('u'), postgresUid('g'));
  const reachable = await exec('runuser', ['-u', 'postgres', '--', 'test', '-w', dataDir]);
  if (reachable.code === 0) return dataDir;
  // A parent directory the postgres user cannot enter (e.g. a clone under /root): fall back to a
  // stable directory it can reach, so a second quick start still finds its data.
  const id = createHash('sha256').update(opts.projectDir).digest('hex').slice(0, 8);
  const fallback = join('/var/tmp', `affiliate-etl-quickstart-${id}`, 'postgres');
  makeDataDir(fallback);
  chownSync(fallback, postgresUid('u'), postgresUid('g'));
  opts.log.info(
    { dataDir: fallback },
    `services: the postgres user cannot reach ${dataDir}; using ${fallback}`,
  );
  return fallback;
}

/** Parents stay traversable (0755) for the postgres user; only the data directory itself is private. */
function makeDataDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function postgresUid(kind: 'u' | 'g'): number {
  const line = readFileSync(kind === 'u' ? '/etc/passwd' : '/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const id = Number(line?.split(':')[2]);
  if (!Number.isInteger(id)) {
    throw new Error(
      'the `postgres` system user does not exist: install it with `apt-get install -y postgresql`',
    );
  }
  return id;
}

/** The port of a server already running on this data dir (a parallel quick start), else null. */
async function runningPort(binDir: string, dataDir: string, asRoot: boolean): Promise<number | null> {
  const cmd = join(binDir, 'pg_ctl');
  const args = ['status', '-D', dataDir];
  const status = asRoot
    ? await exec('runuser', ['-u', 'postgres', '--', cmd, ...args])
    : await exec(cmd, args);
  if (status.code !== 0) return null;
  // postmaster.pid line 4 is the port (PostgreSQL docs, "Database File Layout").
  const port = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

/** Tests use `postgres` (they clone templates); the quick start gets its own named database. */
async function ensureDatabase(mode: ServicesMode, port: number): Promise<string> {
  if (mode === 'test') return 'postgres';
  const sql = postgres({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    onnotice: () => {},
  });
  try {
    const found = await sql`select 1 from pg_database where datname = ${QUICKSTART_DATABASE}`;
    if (found.length === 0) await sql.unsafe(`create database ${QUICKSTART_DATABASE}`);
    return QUICKSTART_DATABASE;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}
