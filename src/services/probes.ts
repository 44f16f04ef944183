/**
 * The real machine behind ServiceProbes: Docker engine detection (time-boxed), where the Debian
 * PostgreSQL and Redis binaries are, and whether apt-get may install them.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from 'pino';
import { startDockerService } from './docker.ts';
import { exec, execOrThrow } from './exec.ts';
import { startLocalPostgres } from './local-postgres.ts';
import { startLocalRedis } from './local-redis.ts';
import type { ServiceProbes } from './types.ts';

/** Where Debian's postgresql-NN packages put their server binaries (not on PATH). */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';
/** Where Debian's redis-server package puts the server, used right after we installed it. */
export const DEBIAN_REDIS_SERVER = '/usr/bin/redis-server';

/**
 * `docker info` talks to the engine; with only the CLI installed it fails fast, but with a dead
 * socket or a remote DOCKER_HOST it can hang, hence the time box.
 */
export async function dockerAvailable(
  timeoutMs = 3_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  try {
    const r = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs, env });
    return r.code === 0 && !r.timedOut && r.stdout.trim() !== '';
  } catch {
    return false; // no docker CLI at all
  }
}

export function findOnPath(name: string, pathVar: string | undefined = process.env.PATH): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const hasServerBinaries = (dir: string) =>
  ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)));

/** The newest /usr/lib/postgresql/NN/bin, else the directory of an `initdb` on PATH. */
export function findPostgresBin(
  root = DEBIAN_PG_ROOT,
  pathVar: string | undefined = process.env.PATH,
): string | null {
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = join(root, v, 'bin');
      if (hasServerBinaries(dir)) return dir;
    }
  }
  const initdb = findOnPath('initdb', pathVar);
  const dir = initdb ? initdb.slice(0, -'/initdb'.length) : null;
  return dir && hasServerBinaries(dir) ? dir : null;
}

export function cannotInstallReason(pathVar: string | undefined = process.env.PATH): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root';
  if (!findOnPath('apt-get', pathVar)) return 'apt-get is not available (not a Debian/Ubuntu machine)';
  return null;
}

export async function aptInstall(packages: string[], log: Logger): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  log.info({ packages }, `services: installing ${packages.join(' ')} with apt-get (one-time, needs network)`);
  await execOrThrow('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 });
  await execOrThrow(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold', ...packages],
    { env, timeoutMs: 600_000 },
  );
  log.info({ packages, ms: Date.now() - started }, `services: installed ${packages.join(' ')}`);
}

export function realProbes(env: NodeJS.ProcessEnv = process.env): ServiceProbes {
  return {
    dockerAvailable: () => dockerAvailable(3_000, env),
    findPostgresBin: () => findPostgresBin(DEBIAN_PG_ROOT, env.PATH),
    findRedisServer: (afterInstall) =>
      findOnPath('redis-server', env.PATH) ??
      (afterInstall && existsSync(DEBIAN_REDIS_SERVER) ? DEBIAN_REDIS_SERVER : null),
    cannotInstallReason: () => cannotInstallReason(env.PATH),
    install: aptInstall,
    startDocker: startDockerService,
    startLocal: (service, opts) =>
      service === 'postgres'
        ? startLocalPostgres({ ...opts, binDir: opts.binary })
        : startLocalRedis({ ...opts, executable: opts.binary }),
  };
}
