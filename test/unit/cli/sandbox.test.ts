/** `affiliate-etl sandbox`: starts the simulator, prints where it listens, stops cleanly on SIGINT. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/affiliate-etl.js', import.meta.url));

describe('affiliate-etl sandbox', () => {
  it('serves the API until SIGINT, then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--scale', 'tiny', '--seed', '3'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; output so far:\n${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        // The credentials block ends with the "Ctrl-C stops" line: wait for all of it.
        if (match && out.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    try {
      expect(out).toContain(`TIKTOK_API_BASE_URL=${url}`);
      // The server answers real requests: an unsigned call gets a TikTok-style JSON envelope.
      const res = await fetch(`${url}/authorization/202309/shops`);
      const body = (await res.json()) as { code?: unknown; request_id?: unknown };
      expect(typeof body.code).toBe('number');
      expect(body.code).not.toBe(0);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
