/**
 * Global setup of the integration tier (vitest.config.ts): starts Postgres and Redis ONCE through
 * the same bootstrap as the quick start (src/services: env -> Docker -> local), migrates a
 * template database, and provides the URLs to the test files. Never skips: if no services can be
 * had, the run fails with the bootstrap's "what to install or set" message.
 */
import type { TestProject } from 'vitest/node';
import { createLogger } from '../src/log.ts';
import { startServices } from '../src/services/index.ts';
import { withDatabase } from './helpers/context.ts';
import { adminSql } from './helpers/db.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const log = createLogger({ level: process.env.TEST_SERVICES_LOG_LEVEL ?? 'info', name: 'test-services' });
  const services = await startServices({ mode: 'test', log, env: process.env });
  const adminUrl = withDatabase(services.databaseUrl, 'postgres');
  // Unique per run, so parallel runs against one shared server (DATABASE_URL) never collide.
  const prefix = `aet_${Date.now().toString(36)}_${process.pid}`;
  const template = `${prefix}_template`;

  const sql = adminSql(adminUrl);
  try {
    await sql.unsafe(`create database "${template}"`);
    const { applied } = await migrate(withDatabase(adminUrl, template), log);
    log.info(
      { template, applied, ms: Date.now() - started },
      `test setup: template ${template} migrated (${applied} migrations)`,
    );
  } catch (err) {
    await sql.unsafe(`drop database if exists "${template}" with (force)`).catch(() => {});
    await sql.end({ timeout: 5 });
    await services.stop();
    throw err;
  }
  await sql.end({ timeout: 5 });

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('databaseUrl', adminUrl);
  project.provide('templateDatabase', template);
  project.provide('databasePrefix', prefix);
  project.provide('redisUrl', services.redisUrl);

  return async () => {
    const admin = adminSql(adminUrl);
    try {
      const leftovers = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`${prefix}\\_%`}`;
      for (const { datname } of leftovers)
        await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    } finally {
      await admin.end({ timeout: 5 });
      await services.stop();
    }
  };
}

async function migrate(url: string, log: ReturnType<typeof createLogger>): Promise<{ applied: number }> {
  let mod: { runMigrations?: (url: string, opts: { log: typeof log }) => Promise<{ applied: number }> };
  try {
    mod = await import('../src/load/migrate.ts');
  } catch (err) {
    throw new Error(
      `test/global-setup: cannot load src/load/migrate.ts (runMigrations), which the integration tier needs to build its template database: ${(err as Error).message}`,
    );
  }
  if (typeof mod.runMigrations !== 'function') {
    throw new Error(
      'test/global-setup: src/load/migrate.ts does not export runMigrations(databaseUrl, { log })',
    );
  }
  return mod.runMigrations(url, { log });
}
