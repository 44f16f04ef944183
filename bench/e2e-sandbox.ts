/**
 * The sandbox in a process of its own for the end-to-end benchmark, so the measured RSS is the
 * pipeline's and the two do not share one event loop (as in production, where the API is remote).
 * Controlled over its HTTP control plane (/__sandbox/*).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SandboxAccount, SandboxApp, SandboxOptions, SandboxStats } from '../src/sandbox/types.ts';

export interface RemoteSandbox {
  url: string;
  authUrl: string;
  app: SandboxApp;
  accounts: SandboxAccount[];
  /** Virtual now (the child's clock offset, read once at start). */
  nowMs(): number;
  stats(): Promise<SandboxStats>;
  resetStats(): Promise<void>;
  /** CPU ms (user + system) the sandbox process has used so far: what it takes from the machine. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCRIPT = `
const { startSandbox } = await import('./src/sandbox/index.ts');
const s = await startSandbox(JSON.parse(process.argv[1]));
console.log('SANDBOX_URL ' + s.url);
process.on('SIGTERM', async () => { await s.close(); process.exit(0); });
process.on('disconnect', async () => { await s.close(); process.exit(0); });
process.on('message', (m) => { if (m === 'cpu') process.send({ cpu: process.cpuUsage() }); });
`;

export async function startRemoteSandbox(options: SandboxOptions): Promise<RemoteSandbox> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, JSON.stringify(options)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /SANDBOX_URL (\S+)/.exec(buf);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox process exited (${code}) before it listened`)));
  });
  const get = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const info = await get<{ authUrl: string; app: SandboxApp; accounts: SandboxAccount[] }>(
    '/__sandbox/accounts',
  );
  const { nowMs } = await get<{ nowMs: number }>('/__sandbox/clock');
  const offset = nowMs - Date.now();
  return {
    url,
    authUrl: info.authUrl,
    app: info.app,
    accounts: info.accounts,
    nowMs: () => Date.now() + offset,
    stats: () => get<SandboxStats>('/__sandbox/stats'),
    resetStats: async () => {
      await fetch(`${url}/__sandbox/stats`, { method: 'DELETE' });
    },
    cpuMs: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve((m.cpu.user + m.cpu.system) / 1000));
        child.send('cpu');
      }),
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
