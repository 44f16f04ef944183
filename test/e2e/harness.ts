/**
 * An engine wired to a sandbox, a fresh database (process.env.DATABASE_URL from the test setup) and a
 * Redis namespace of its own, with every sandbox account stored as a connection and every log line
 * captured (so tests can grep them for secrets).
 */
import { Writable } from 'node:stream';
import type { ConnectionKind } from '../../src/core/streams.ts';
import { type EngineConfig, type OwnedEngineDeps, buildEngineDeps } from '../../src/jobs/index.ts';
import { addConnection } from '../../src/load/connections.ts';
import { createSecretBox } from '../../src/load/crypto.ts';
import { createLogger } from '../../src/log.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import type { Sandbox, SandboxAccount, SandboxOptions } from '../../src/sandbox/types.ts';
import { type RedisNamespace, redisNamespace } from '../helpers/redis.ts';
import { sandboxConnection } from '../helpers/sandbox-connection.ts';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface HarnessConnection {
  id: number;
  kind: ConnectionKind;
  account: SandboxAccount;
  /** Shop ids (seller), [open_id] (creator) or category asset ciphers (partner). */
  owners: string[];
}

export interface EngineHarness {
  sandbox: Sandbox;
  deps: OwnedEngineDeps;
  ns: RedisNamespace;
  connections: HarnessConnection[];
  logs: string[];
  /** Every secret the sandbox handed out (tokens, app secret, auth codes), for log greps. */
  secrets(): string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  sandbox?: SandboxOptions;
  engine?: Partial<EngineConfig>;
  ratePerSecond?: number;
  databaseUrl?: string;
  label?: string;
}

/** Engine defaults for tests: no safety lag (the sandbox has no indexing delay), fast retries. */
export function testEngineConfig(
  ns: RedisNamespace,
  overrides: Partial<EngineConfig> = {},
): Partial<EngineConfig> {
  return {
    queueName: ns.queueName('engine'),
    queuePrefix: ns.prefix.slice(0, -1),
    windows: { windowDays: 30, overlapMs: 10 * 60_000, safetyLagMs: 0, maturityDays: 90, startDate: null },
    backoffMs: 200,
    busyDelayMs: 300,
    shutdownTimeoutMs: 5_000,
    ...overrides,
  };
}

export async function addSandboxConnections(
  deps: OwnedEngineDeps,
  sandbox: Sandbox,
): Promise<HarnessConnection[]> {
  const box = createSecretBox({ key: TEST_ENCRYPTION_KEY });
  const out: HarnessConnection[] = [];
  for (const account of sandbox.accounts) {
    const id = await addConnection(
      deps.db.sql,
      box,
      sandboxConnection(sandbox.app, account, `${account.kind} ${account.openId}`),
    );
    const owners =
      account.kind === 'seller'
        ? account.shops.map((s) => s.id)
        : account.kind === 'partner'
          ? account.categoryAssets.map((a) => a.cipher)
          : [account.openId];
    out.push({ id, kind: account.kind, account, owners });
  }
  return out;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<EngineHarness> {
  const sandbox = await startSandbox({ scale: 'small', ...opts.sandbox });
  const ns = redisNamespace(opts.label ?? 'engine');
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger({ level: 'debug', destination });
  const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (the integration setup provides it)');
  const deps = buildEngineDeps({
    databaseUrl,
    redisUrl: ns.url,
    apiBaseUrl: sandbox.url,
    authBaseUrl: sandbox.authUrl,
    encryptionKey: TEST_ENCRYPTION_KEY,
    log,
    clock: { now: () => new Date(sandbox.clock.nowMs()) },
    config: testEngineConfig(ns, opts.engine),
    ratePerSecond: opts.ratePerSecond ?? 1_000,
    redisKeyPrefix: ns.prefix,
    retry: { retries: 6, minTimeoutMs: 10, maxTimeoutMs: 100 },
  });
  const connections = await addSandboxConnections(deps, sandbox);
  const seen = new Set<string>();
  const remember = () => {
    seen.add(sandbox.app.appSecret);
    for (const a of sandbox.accounts)
      for (const s of [a.accessToken, a.refreshToken, a.authCode]) seen.add(s);
  };
  remember();
  return {
    sandbox,
    deps,
    ns,
    connections,
    logs,
    secrets() {
      remember();
      return [...seen];
    },
    async close() {
      await deps.close();
      await sandbox.close();
      await ns.cleanup();
    },
  };
}
