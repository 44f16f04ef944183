/**
 * Postgres and Redis from a Docker engine.
 * test mode: throwaway testcontainers (postgres:16, redis:7), removed on stop (and by the
 * testcontainers reaper if the process dies).
 * quickstart mode: the project's docker-compose.yml services, so their volumes keep the data
 * between runs; stop() stops the containers and keeps the volumes.
 */
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { execOrThrow } from './exec.ts';
import type { RunningService, ServiceName, ServicesMode } from './types.ts';

/** Host ports published by docker-compose.yml (keep the two in step). */
export const COMPOSE_POSTGRES_PORT = 54329;
export const COMPOSE_REDIS_PORT = 63799;

/**
 * The compose file that ships beside this code (two levels up from src/services or dist/services),
 * not one in the working directory: an installed package runs from a directory that has none, and
 * the ports above belong to this very file.
 */
export const COMPOSE_FILE = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));

export async function startDockerService(
  service: ServiceName,
  mode: ServicesMode,
  projectDir: string,
  log: Logger,
): Promise<RunningService> {
  return mode === 'test' ? startContainer(service) : startCompose(service, projectDir, log);
}

async function startContainer(service: ServiceName): Promise<RunningService> {
  if (service === 'postgres') {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16')
      .withCommand([
        'postgres',
        ...['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'].flatMap(
          (s) => ['-c', s],
        ),
      ])
      .start();
    return {
      url: container.getConnectionUri(),
      where: `container ${container.getId().slice(0, 12)} (postgres:16) on ${container.getHost()}:${container.getFirstMappedPort()}`,
      stop: once(async () => {
        await container.stop();
      }),
    };
  }
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7')
    .withCommand(['redis-server', '--maxmemory-policy', 'noeviction', '--save', '', '--appendonly', 'no'])
    .start();
  return {
    url: container.getConnectionUrl(),
    where: `container ${container.getId().slice(0, 12)} (redis:7) on ${container.getHost()}:${container.getFirstMappedPort()}`,
    stop: once(async () => {
      await container.stop();
    }),
  };
}

async function startCompose(service: ServiceName, projectDir: string, log: Logger): Promise<RunningService> {
  const file = COMPOSE_FILE;
  // --wait blocks until the compose healthchecks pass, so the URL works when we return.
  await execOrThrow('docker', ['compose', '-f', file, 'up', '-d', '--wait', service], {
    cwd: projectDir,
    timeoutMs: 300_000,
  });
  const url =
    service === 'postgres'
      ? `postgres://affiliate:affiliate@127.0.0.1:${COMPOSE_POSTGRES_PORT}/affiliate_etl`
      : `redis://127.0.0.1:${COMPOSE_REDIS_PORT}`;
  return {
    url,
    where: `docker compose service "${service}" on 127.0.0.1:${service === 'postgres' ? COMPOSE_POSTGRES_PORT : COMPOSE_REDIS_PORT}`,
    stop: once(async () => {
      await execOrThrow('docker', ['compose', '-f', file, 'stop', service], {
        cwd: projectDir,
        timeoutMs: 60_000,
      }).catch((err: Error) => log.warn({ err }, `services: docker compose stop ${service} failed`));
    }),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => {
    done ??= fn();
    return done;
  };
}
