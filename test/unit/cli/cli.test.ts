/**
 * The CLI's contract with operators (CONTRIBUTING.md#stable-names): readable help, exit code 2 for bad usage and bad
 * configuration with every problem listed, no secret echoed. The first tests spawn the real
 * executable; the rest call runCli in-process with captured streams.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/context.ts';
import { runCli } from '../../../src/cli/main.ts';
import { runCliProcess } from '../../helpers/cli.ts';

// An empty directory as cwd, so a developer's own .env never leaks into these tests.
const emptyCwd = mkdtempSync(join(tmpdir(), 'cli-test-'));
afterAll(() => rmSync(emptyCwd, { recursive: true, force: true }));

function inProcess(env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ctx: CliContext = { env, cwd: emptyCwd, stdout, stderr, plain: true, logFormat: 'json' };
  return { ctx, out: () => out, err: () => err };
}

describe('affiliate-etl executable', () => {
  it('--help describes the tool, lists the commands and shows examples (exit 0)', async () => {
    const r = await runCliProcess(['--help'], {}, { cwd: emptyCwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: affiliate-etl');
    expect(r.stdout).toContain('TikTok Shop Affiliate');
    for (const command of ['migrate', 'sandbox', 'quickstart'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(
      'Exit codes: 0 success, 1 a sync or check failed, 2 bad usage or configuration.',
    );
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await runCliProcess(['frobnicate'], {}, { cwd: emptyCwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('bad configuration stops before doing anything, lists every problem (exit 2), echoes no secret', async () => {
    const secret = 'sup3r-s3cret-app-v4lue';
    const r = await runCliProcess(
      ['migrate'],
      {
        DATABASE_URL: 'mysql://db/x',
        LOG_LEVEL: 'chatty',
        ORDERS_SAFETY_LAG_MINUTES: '60',
        TIKTOK_APP_SECRET: secret,
        ETL_ENCRYPTION_KEY: secret,
      },
      { cwd: emptyCwd },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid configuration (4 problems)');
    for (const name of ['DATABASE_URL', 'LOG_LEVEL', 'ORDERS_SAFETY_LAG_MINUTES', 'ETL_ENCRYPTION_KEY']) {
      expect(r.stderr).toContain(`  - ${name} `);
    }
    expect(r.stderr + r.stdout).not.toContain(secret);
  });
});

describe('runCli', () => {
  it('migrate without DATABASE_URL says what to set (exit 2)', async () => {
    const io = inProcess();
    expect(await runCli(['migrate'], io.ctx)).toBe(2);
    expect(io.err()).toContain('DATABASE_URL is not set');
  });

  it('bare invocation shows usage as an error (exit 2)', async () => {
    const io = inProcess();
    expect(await runCli([], io.ctx)).toBe(2);
    expect(io.err()).toContain('Usage: affiliate-etl');
  });

  it('--version prints the package version (exit 0)', async () => {
    const io = inProcess();
    expect(await runCli(['--version'], io.ctx)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('rejects bad option values as usage errors (exit 2)', async () => {
    for (const args of [
      ['sandbox', '--port', '99999'],
      ['sandbox', '--seed', 'abc'],
      ['sandbox', '--scale', 'huge'],
      ['migrate', '--no-such-flag'],
    ]) {
      const io = inProcess();
      expect(await runCli(args, io.ctx), args.join(' ')).toBe(2);
      expect(io.err()).toMatch(/error: /);
    }
  });

  it('every command has help with examples (exit 0)', async () => {
    for (const command of ['migrate', 'sandbox', 'quickstart']) {
      const io = inProcess();
      expect(await runCli([command, '--help'], io.ctx)).toBe(0);
      expect(io.out()).toContain(`Usage: affiliate-etl ${command}`);
      expect(io.out()).toContain('Example');
    }
  });

  it('a failing command exits 1 with a scrubbed message', async () => {
    const io = inProcess({ DATABASE_URL: 'postgres://etl:pw@127.0.0.1:1/none?access_token=leak-me-123' });
    expect(await runCli(['migrate'], io.ctx)).toBe(1);
    // The same message as every command for an unreachable database: where, and what to check.
    expect(io.err()).toMatch(/^cannot reach Postgres at 127\.0\.0\.1:1\/none: /m);
    expect(io.err()).toContain('Check DATABASE_URL and that Postgres runs (affiliate-etl doctor).');
    expect(io.err()).not.toContain('leak-me-123');
    expect(io.err()).not.toContain(':pw@');
  });
});
