/**
 * The published artifact end to end: `npm pack` on a copy of the checkout (its prepack script
 * compiles src/ to dist/), the tarball installed into an empty directory with `npm install
 * <tarball>` (production dependencies only, from the npm registry), then `npx affiliate-etl
 * quickstart --scale tiny` there, against the suite's Postgres and a Redis db of its own. Proves
 * that the compiled code finds everything it loads by path (migrations, package.json) inside
 * node_modules, runs without tsx or TypeScript, and keeps the quick start's data in the current
 * directory. Slow by nature (a build and an install): one of each.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../../helpers/db.ts';
import { childEnv, type StepResult, stageCheckout, step, tempDir } from './stage.ts';

// The CLI knows no Redis key prefix: its BullMQ queue gets a Redis db of its own (10-14 are taken
// by the other CLI tests).
const REDIS_DB = 15;

const stage = stageCheckout('pack');
const app = tempDir('installed');
let db: TestDatabase | undefined;
let files: string[];
let quickstart: StepResult;

beforeAll(async () => {
  await step('npm pack (prepack: npm run build)', 'npm pack --silent --pack-destination .', {
    cwd: stage,
    timeoutMs: 480_000,
  });
  const tarball = readdirSync(stage).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no .tgz into ${stage}`);
  files = (await step('list the tarball', `tar -tzf ${tarball}`, { cwd: stage, timeoutMs: 30_000 })).stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  await step(
    'npm install <tarball>',
    `npm install --no-audit --no-fund --loglevel=error ${join(stage, tarball)}`,
    {
      cwd: app,
      timeoutMs: 480_000,
      hint: 'This step needs the npm registry.',
    },
  );
  db = await emptyDatabase('packed');
  const redis = new URL(process.env.REDIS_URL ?? '');
  redis.pathname = `/${REDIS_DB}`;
  quickstart = await step('npx affiliate-etl quickstart', 'npx --no affiliate-etl quickstart --scale tiny', {
    cwd: app,
    // Only what the command needs: no DATABASE_URL/REDIS_URL leak in from the suite's own env.
    env: {
      ...childEnv(),
      DATABASE_URL: db.url,
      REDIS_URL: redis.toString(),
      CI: 'true',
      LOG_LEVEL: 'warn',
    },
    timeoutMs: 180_000,
  });
}, 900_000);

afterAll(async () => {
  await db?.drop();
  rmSync(stage, { recursive: true, force: true });
  rmSync(app, { recursive: true, force: true });
});

describe('npm pack → npm install <tarball> → npx affiliate-etl quickstart', () => {
  it('packs the compiled code, the migrations and the compose file, and no sources or tests', () => {
    for (const f of [
      'bin/affiliate-etl.js',
      'dist/cli.js',
      'dist/load/migrate.js',
      'dist/sandbox/index.js',
      'drizzle/meta/_journal.json',
      'docker-compose.yml',
      'package.json',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
  });

  it('installs without TypeScript or tsx: the bin runs the compiled code', () => {
    const modules = join(app, 'node_modules');
    expect(existsSync(join(modules, 'tiktok-shop-affiliate-etl', 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(modules, 'tiktok-shop-affiliate-etl', 'src'))).toBe(false);
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild']) {
      expect(existsSync(join(modules, dev)), `${dev} installed`).toBe(false);
    }
  });

  it('runs the quick start to the end from the installed package', () => {
    expect(quickstart.stderr).toBe('');
    expect(quickstart.stdout).toMatch(/\[quickstart 3\/7\] done in .*: \d+ applied/);
    expect(quickstart.stdout).toMatch(/\[quickstart 6\/7\] done in .*: (\d+) of \1 syncs succeeded/);
    expect(quickstart.stdout).toContain('Quick start complete in');
  });

  it('keeps the quick start data in the current directory, not inside node_modules', () => {
    const key = join(app, '.tmp', 'quickstart', 'encryption.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(existsSync(join(app, 'node_modules', 'tiktok-shop-affiliate-etl', '.tmp'))).toBe(false);
  });
});
