/**
 * Shared set-up of the CLI integration tests: a started sandbox, this file's fresh database
 * (process.env.DATABASE_URL from test/helpers/setup-env.ts), a Redis database of its own (the CLI
 * runs in child processes that know no key prefix, so isolation is by Redis db number), and a
 * runner that spawns the real `affiliate-etl` executable and keeps every output for the final
 * "no secret anywhere" check.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { startSandbox } from '../../../src/sandbox/index.ts';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox/types.ts';
import { runCli } from '../../../src/cli/main.ts';
import { type CliRun, runCliProcess } from '../../helpers/cli.ts';

export interface CliHarness {
  sandbox: Sandbox;
  env: Record<string, string>;
  redisUrl: string;
  /** Runs `affiliate-etl ...args` with the harness env plus `extraEnv` (undefined removes a variable). */
  run(args: string[], extraEnv?: Record<string, string | undefined>): Promise<CliRun>;
  /**
   * The same CLI in this process (src/cli/main.ts runCli, what src/cli.ts calls): ~100x cheaper than
   * a spawn, for the matrix of usage and configuration errors.
   */
  runHere(args: string[], extraEnv?: Record<string, string | undefined>): Promise<CliRun>;
  /** Every stdout and stderr so far, concatenated. */
  transcript(): string;
  /** Every secret value the sandbox handed out (tokens, auth codes, app secret) plus the encryption key. */
  secrets(): string[];
  close(): Promise<void>;
}

export async function startCliHarness(
  redisDb: number,
  sandboxOptions: SandboxOptions = {},
): Promise<CliHarness> {
  const sandbox = await startSandbox({ scale: 'tiny', ...sandboxOptions });
  const redis = new URL(inject('redisUrl'));
  redis.pathname = `/${redisDb}`;
  const redisUrl = redis.toString();
  await flushDb(redisUrl);
  const encryptionKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    REDIS_URL: redisUrl,
    TIKTOK_API_BASE_URL: sandbox.url,
    TIKTOK_AUTH_BASE_URL: sandbox.authUrl,
    TIKTOK_APP_KEY: sandbox.app.appKey,
    TIKTOK_APP_SECRET: sandbox.app.appSecret,
    ETL_ENCRYPTION_KEY: encryptionKey,
    LOG_LEVEL: 'info',
    CI: 'true',
  };
  const outputs: string[] = [];
  const handedOut = new Set<string>([sandbox.app.appSecret, encryptionKey]);
  const remember = () => {
    for (const a of sandbox.accounts)
      for (const s of [a.accessToken, a.refreshToken, a.authCode]) handedOut.add(s);
  };
  remember();
  return {
    sandbox,
    env,
    redisUrl,
    async run(args, extraEnv = {}) {
      remember();
      const merged: Record<string, string | undefined> = { ...env, ...extraEnv };
      const result = await runCliProcess(args, merged, { timeoutMs: 120_000 });
      outputs.push(result.stdout, result.stderr);
      return result;
    },
    async runHere(args, extraEnv = {}) {
      remember();
      const out = capture();
      const err = capture();
      const code = await runCli(args, {
        env: { ...env, ...extraEnv },
        cwd: process.cwd(),
        stdout: out.stream,
        stderr: err.stream,
        plain: true,
        logFormat: 'json',
      });
      const result = { code, stdout: out.text(), stderr: err.text() };
      outputs.push(result.stdout, result.stderr);
      return result;
    },
    transcript: () => outputs.join('\n'),
    secrets: () => {
      remember();
      return [...handedOut].filter((s) => s.length >= 8);
    },
    async close() {
      await sandbox.close();
      await flushDb(redisUrl);
    },
  };
}

async function flushDb(url: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await client.connect();
    await client.flushdb();
  } finally {
    client.disconnect();
  }
}

function capture(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
