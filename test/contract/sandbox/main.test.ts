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

describe('affiliate-etl sandbox --quirks', () => {
  it('starts with the given switches, prints them and serves them on GET /__sandbox/quirks', async () => {
    const bin = new URL('../../../bin/affiliate-etl.js', import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      [
        bin,
        'sandbox',
        '--port',
        '0',
        '--scale',
        'tiny',
        '--quirks',
        'terminal_page_token=zero,error_status=4xx',
      ],
      { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1] && out.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      expect(out).toContain('Quirks: terminal_page_token=zero,error_status=4xx');
      const res = (await (await fetch(`${url}/__sandbox/quirks`)).json()) as {
        quirks: Record<string, string>;
      };
      expect(res.quirks).toMatchObject({
        terminalPageToken: 'zero',
        errorStatus: '4xx',
        orderRangeCap: 'none',
      });
      // An unsigned business request is an error: HTTP 401 in 4xx mode.
      expect((await fetch(`${url}/authorization/202309/shops`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});
