/**
 * Contract of the services bootstrap: where Postgres and Redis come from for tests and the quick
 * start (env -> Docker -> local Debian binaries, see ./index.ts).
 */
import type { Logger } from 'pino';

export type ServiceName = 'postgres' | 'redis';
export type ServiceSource = 'env' | 'docker' | 'local';
export type ServicesMode = 'test' | 'quickstart';

export interface StartServicesOptions {
  /** test: throwaway instances tuned for speed; quickstart: durable data under .tmp/quickstart. */
  mode: ServicesMode;
  log: Logger;
  need?: { postgres?: boolean; redis?: boolean };
  /** Where DATABASE_URL / REDIS_URL are read from; default: nothing set. */
  env?: Record<string, string | undefined>;
  /** Where the quick start keeps its data (.tmp/quickstart/); default: the current directory. */
  projectDir?: string;
  /** Injected for tests; default: the real machine (./probes.ts). */
  probes?: Partial<ServiceProbes>;
}

export interface Services {
  /** Empty string when postgres was not needed. */
  databaseUrl: string;
  /** Empty string when redis was not needed. */
  redisUrl: string;
  source: { postgres: ServiceSource | null; redis: ServiceSource | null };
  /** Stops what this call started (never env-provided services); safe to call twice. */
  stop(): Promise<void>;
}

/** A started service: its URL and how to stop it. */
export interface RunningService {
  url: string;
  /** One human-readable phrase for the log line, e.g. "PG 15 on 127.0.0.1:40123 (/tmp/x)". */
  where: string;
  stop(): Promise<void>;
}

/** Everything the resolution asks of the machine, injectable so the order is testable. */
export interface ServiceProbes {
  /** Whether a Docker engine answers (time-boxed). */
  dockerAvailable(): Promise<boolean>;
  /** The directory holding initdb/pg_ctl/postgres, or null. */
  findPostgresBin(): string | null;
  /**
   * The redis-server executable on PATH, or null. `afterInstall`: also accept the Debian package's
   * own location, because we just installed it there ourselves.
   */
  findRedisServer(afterInstall?: boolean): string | null;
  /** Why packages cannot be installed here (not root, no apt-get), or null when they can. */
  cannotInstallReason(): string | null;
  /** apt-get update + install of the named Debian packages. */
  install(packages: string[], log: Logger): Promise<void>;
  startDocker(
    service: ServiceName,
    mode: ServicesMode,
    projectDir: string,
    log: Logger,
  ): Promise<RunningService>;
  /** `binary`: the Postgres bin directory, or the redis-server executable. */
  startLocal(service: ServiceName, opts: LocalStartOptions): Promise<RunningService>;
}

export interface LocalStartOptions {
  mode: ServicesMode;
  projectDir: string;
  log: Logger;
  binary: string;
}

export class ServicesUnavailableError extends Error {
  override readonly name = 'ServicesUnavailableError';
}
