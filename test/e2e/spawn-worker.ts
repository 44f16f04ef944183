/** Spawns test/e2e/worker-child.ts as a real OS process (node --import tsx, i.e. `npx tsx`). */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineHarness } from './harness.ts';
import { TEST_ENCRYPTION_KEY } from './harness.ts';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildWorker {
  proc: ChildProcess;
  lines: string[];
  /** Resolves once the worker logged worker_started. */
  started: Promise<void>;
  exited: Promise<number | null>;
}

export function workerEnv(h: EngineHarness, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    REDIS_URL: h.ns.url,
    SANDBOX_URL: h.sandbox.url,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    REDIS_KEY_PREFIX: h.ns.prefix,
    QUEUE_NAME: h.deps.config.queueName,
    QUEUE_PREFIX: h.deps.config.queuePrefix,
    WINDOW_DAYS: String(h.deps.config.windows.windowDays),
    CLOCK_OFFSET_MS: String(h.sandbox.clock.nowMs() - Date.now()),
    ...extra,
  };
}

export function spawnWorker(env: Record<string, string>): ChildWorker {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    // The IPC channel closes when this process dies: the child then exits (no orphaned workers).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  let onStart: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    onStart = resolve;
    onFail = reject;
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      if (line.includes('"worker_started"')) onStart();
    }
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => {
      onFail(new Error(`worker exited (${code}) before it started:\n${lines.slice(-20).join('\n')}`));
      resolve(code);
    });
  });
  return { proc, lines, started, exited };
}
