import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('runSandboxCli (affiliate-etl sandbox)', () => {
  it('prints the URL and credentials, serves requests and stops on SIGTERM', async () => {
    const script =
      "const m = await import('./src/sandbox/main.ts');" +
      "await m.runSandboxCli({ port: 0, seed: 4, scale: 'tiny', faults: undefined, host: '127.0.0.1' });" +
      "console.log('stopped');";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1] && out.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect(out).toContain('TIKTOK_APP_SECRET=');
    expect(out).toMatch(/seller \d+/);
    expect(out).toContain('access token   TTP_');
    expect(out).toContain('category asset');
    const clock = (await (await fetch(`${url}/__sandbox/clock`)).json()) as { nowMs: number };
    expect(clock.nowMs).toBeGreaterThan(0);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toContain('stopped');
  });
});
