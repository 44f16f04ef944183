/**
 * Where Postgres and Redis come from, decided in one place, per service, in this order:
 *   1. DATABASE_URL / REDIS_URL when set (never started or stopped by us);
 *   2. a Docker engine, if one answers `docker info` within 3 s (testcontainers for tests,
 *      docker compose for the quick start);
 *   3. the machine's own Debian binaries on free loopback ports, installed with apt-get first
 *      when missing and we are root.
 * Each choice is logged in one line: which source, where, how long it took. When nothing works
 * the error says exactly what to install or set.
 */
import { realProbes } from './probes.ts';
import type {
  RunningService,
  ServiceName,
  ServiceProbes,
  ServiceSource,
  Services,
  StartServicesOptions,
} from './types.ts';
import { ServicesUnavailableError } from './types.ts';

export type * from './types.ts';
export { type LocalRedisCluster, startLocalRedisCluster } from './local-redis-cluster.ts';
export { ServicesUnavailableError } from './types.ts';

const ENV_VAR: Record<ServiceName, string> = { postgres: 'DATABASE_URL', redis: 'REDIS_URL' };
const DEBIAN_PACKAGE: Record<ServiceName, string> = { postgres: 'postgresql', redis: 'redis-server' };

interface Resolved {
  source: ServiceSource;
  running: RunningService;
  ms: number;
}

export async function startServices(options: StartServicesOptions): Promise<Services> {
  const { mode, log } = options;
  const env = options.env ?? {};
  const projectDir = options.projectDir ?? process.cwd();
  const probes: ServiceProbes = { ...realProbes(), ...options.probes };
  const wanted = (['postgres', 'redis'] as const).filter((s) => options.need?.[s] ?? true);
  const started: RunningService[] = [];
  const resolved: Partial<Record<ServiceName, Resolved>> = {};

  const fromEnv = (s: ServiceName) => env[ENV_VAR[s]]?.trim() || undefined;
  const rest = wanted.filter((s) => {
    const url = fromEnv(s);
    if (url)
      resolved[s] = { source: 'env', running: { url, where: `$${ENV_VAR[s]}`, stop: async () => {} }, ms: 0 };
    return !url;
  });

  try {
    let docker = false;
    let dockerMs = 0;
    if (rest.length > 0) {
      const t0 = Date.now();
      docker = await probes.dockerAvailable();
      dockerMs = Date.now() - t0;
      log.debug({ docker, ms: dockerMs }, `services: docker engine ${docker ? 'answered' : 'not available'}`);
    }
    let local = docker ? [] : rest;
    for (const [i, s] of (docker ? rest : []).entries()) {
      const t0 = Date.now();
      try {
        const running = await probes.startDocker(s, mode, projectDir, log);
        started.push(running);
        resolved[s] = { source: 'docker', running, ms: Date.now() - t0 };
      } catch (err) {
        // An engine that answers but cannot run the image (offline pull, no disk...) must not
        // stop a fresh machine: what Docker did not provide comes from local binaries instead.
        log.warn(
          { err, service: s },
          `services: docker could not start ${s}; falling back to local binaries`,
        );
        local = rest.slice(i);
        break;
      }
    }
    if (local.length > 0) {
      const binaries = await localBinaries(local, probes, log, dockerMs);
      for (const s of local) {
        const t0 = Date.now();
        const running = await probes.startLocal(s, { mode, projectDir, log, binary: binaries[s]! });
        started.push(running);
        resolved[s] = { source: 'local', running, ms: Date.now() - t0 };
      }
    }
  } catch (err) {
    await Promise.allSettled(started.map((r) => r.stop()));
    throw err;
  }

  for (const s of wanted) {
    const r = resolved[s]!;
    log.info(
      { service: s, source: r.source, ms: r.ms },
      `services: ${s} from ${r.source}: ${r.running.where}${r.source === 'env' ? '' : `, ready in ${r.ms} ms`}`,
    );
  }

  let stopping: Promise<void> | null = null;
  return {
    databaseUrl: resolved.postgres?.running.url ?? '',
    redisUrl: resolved.redis?.running.url ?? '',
    source: { postgres: resolved.postgres?.source ?? null, redis: resolved.redis?.source ?? null },
    stop: () => {
      stopping ??= Promise.allSettled(started.reverse().map((r) => r.stop())).then(() => undefined);
      return stopping;
    },
  };
}

/** Finds (or installs, then finds) the local binaries; throws the "what to do" error otherwise. */
async function localBinaries(
  services: readonly ServiceName[],
  probes: ServiceProbes,
  log: StartServicesOptions['log'],
  dockerMs: number,
): Promise<Partial<Record<ServiceName, string>>> {
  const find = (s: ServiceName, afterInstall: boolean) =>
    s === 'postgres' ? probes.findPostgresBin() : probes.findRedisServer(afterInstall);
  const found: Partial<Record<ServiceName, string>> = {};
  for (const s of services) found[s] = find(s, false) ?? undefined;
  const missing = services.filter((s) => !found[s]);
  if (missing.length === 0) return found;

  const reason = probes.cannotInstallReason();
  if (reason) throw unavailable(missing, `cannot install them: ${reason}`, dockerMs);
  await probes.install(
    missing.map((s) => DEBIAN_PACKAGE[s]),
    log,
  );
  for (const s of missing) found[s] = find(s, true) ?? undefined;
  const stillMissing = missing.filter((s) => !found[s]);
  if (stillMissing.length > 0)
    throw unavailable(stillMissing, 'apt-get ran but the binaries are still missing', dockerMs);
  return found;
}

function unavailable(
  services: readonly ServiceName[],
  why: string,
  dockerMs: number,
): ServicesUnavailableError {
  const lines = services.map((s) =>
    s === 'postgres'
      ? '  - Postgres: set DATABASE_URL=postgres://user:pass@host:5432/db, or install PostgreSQL (Debian/Ubuntu: `sudo apt-get install -y postgresql`; the server binaries must be in /usr/lib/postgresql/<version>/bin or on PATH)'
      : '  - Redis: set REDIS_URL=redis://host:6379, or install Redis (Debian/Ubuntu: `sudo apt-get install -y redis-server`; `redis-server` must be on PATH)',
  );
  return new ServicesUnavailableError(
    `No ${services.join(' and ')} available. The environment variable is not set, no Docker engine answered \`docker info\` (checked in ${dockerMs} ms), and the local server binaries are missing; ${why}.\nFix one of:\n${lines.join('\n')}\n  - or start a Docker engine (docker compose / testcontainers are used automatically).`,
  );
}
