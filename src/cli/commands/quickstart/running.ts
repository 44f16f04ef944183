/**
 * A quick start records the services it started (.tmp/quickstart/running.json: its pid and URLs)
 * while it runs, so a second quick start beside it uses them instead of starting a second Redis on
 * the same data directory. A record whose process is gone is stale and ignored.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningQuickstart {
  pid: number;
  startedAt: string;
  databaseUrl: string;
  redisUrl: string;
}

const FILE = 'running.json';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user (a quick start run as root, say).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running quick start of this data directory, or null (none, stale, or unreadable). */
export function readRunningQuickstart(dataDir: string, self = process.pid): RunningQuickstart | null {
  let record: Partial<RunningQuickstart>;
  try {
    record = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Partial<RunningQuickstart>;
  } catch {
    return null;
  }
  const { pid, databaseUrl, redisUrl, startedAt } = record;
  if (typeof pid !== 'number' || pid === self || !alive(pid)) return null;
  if (typeof databaseUrl !== 'string' || typeof redisUrl !== 'string') return null;
  return { pid, databaseUrl, redisUrl, startedAt: typeof startedAt === 'string' ? startedAt : '?' };
}

/** Writes the record; the returned function removes it if it is still this process's. */
export function recordRunningQuickstart(dataDir: string, record: RunningQuickstart): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, FILE);
  writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return () => {
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningQuickstart>;
      if (now.pid === record.pid) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}

/**
 * The environment a quick start runs with: when another quick start of this directory is running
 * and the operator named no services, its Postgres and Redis (with the sentence that says so).
 */
export function servicesOfRunningQuickstart(
  env: Record<string, string | undefined>,
  dataDir: string,
): { env: Record<string, string | undefined>; note: string } | null {
  if (env.DATABASE_URL?.trim() || env.REDIS_URL?.trim()) return null;
  const running = readRunningQuickstart(dataDir);
  if (!running) return null;
  return {
    env: { ...env, DATABASE_URL: running.databaseUrl, REDIS_URL: running.redisUrl },
    note:
      `A quick start is already running here (pid ${running.pid}, since ${running.startedAt}): this one uses its ` +
      'Postgres and Redis instead of starting a second Redis on .tmp/quickstart/.',
  };
}
