/**
 * The two shipped artifacts, in one file because both need a Redis db of their own and take time.
 *
 * The npm package end to end: `npm pack` on a copy of the checkout (its prepack script
 * compiles src/ to dist/), the tarball installed into an empty directory with `npm install
 * <tarball>` (production dependencies only, from the npm registry), then `npx affiliate-etl
 * quickstart --scale tiny` there, against the suite's Postgres and a Redis db of its own. Proves
 * that the compiled code finds everything it loads by path (migrations, package.json) inside
 * node_modules, runs without tsx or TypeScript, and keeps the quick start's data in the current
 * directory. Slow by nature (a build and an install): one of each.
 *
 * The Docker image, without a Docker engine: the Dockerfile is read and checked against the rules
 * a Dockerfile linter applies (non-root user, exec-form commands, no ADD, tagged bases, sources
 * in the build context), then its stages are replayed on disk: the build stage's commands (its
 * dependency install replaced by the checkout's node_modules) compile src/, the final stage's
 * commands run as written (the production-only install, from the registry, into an empty npm
 * cache), and the image's ENTRYPOINT + CMD starts a worker from that layout, whose HEALTHCHECK
 * command must pass, then fail once the worker stopped. What is not replayed: the base image, USER
 * (checked by reading) and the engine's own behaviour.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../../helpers/db.ts';
import { all, envOf, execForm, parseCopy, parseDockerfile } from './dockerfile.ts';
import { childEnv, PROJECT_DIR, type StepResult, stageCheckout, step, tempDir } from './stage.ts';

// The CLI knows no Redis key prefix: its BullMQ queue gets a Redis db of its own (10-14 are taken
// by the other CLI tests).
const REDIS_DB = 15;

const redisUrl = (() => {
  const u = new URL(process.env.REDIS_URL ?? '');
  u.pathname = `/${REDIS_DB}`;
  return u.toString();
})();

async function flushRedis(): Promise<void> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    await client.flushdb();
  } finally {
    client.disconnect();
  }
}

describe('npm pack → npm install <tarball> → npx affiliate-etl quickstart', () => {
  let stage = '';
  let app = '';
  let db: TestDatabase | undefined;
  let files: string[];
  let quickstart: StepResult;

  beforeAll(async () => {
    stage = stageCheckout('pack');
    app = tempDir('installed');
    await flushRedis();
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
    quickstart = await step(
      'npx affiliate-etl quickstart',
      'npx --no affiliate-etl quickstart --scale tiny',
      {
        cwd: app,
        // Only what the command needs: no DATABASE_URL/REDIS_URL leak in from the suite's own env.
        env: {
          ...childEnv(),
          DATABASE_URL: db.url,
          REDIS_URL: redisUrl,
          CI: 'true',
          LOG_LEVEL: 'warn',
        },
        timeoutMs: 180_000,
      },
    );
  }, 900_000);

  afterAll(async () => {
    await db?.drop();
    await flushRedis();
    if (stage) rmSync(stage, { recursive: true, force: true });
    if (app) rmSync(app, { recursive: true, force: true });
  });

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

  it('resolves the compose file beside the installed code, not in the current directory', () => {
    const pkg = join(app, 'node_modules', 'tiktok-shop-affiliate-etl');
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `console.log((await import('${pkg}/dist/services/docker.js')).COMPOSE_FILE)`,
      ],
      { cwd: app, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(join(pkg, 'docker-compose.yml'));
    expect(existsSync(r.stdout.trim())).toBe(true);
  });

  it('keeps the quick start data in the current directory, not inside node_modules', () => {
    const key = join(app, '.tmp', 'quickstart', 'encryption.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(existsSync(join(app, 'node_modules', 'tiktok-shop-affiliate-etl', '.tmp'))).toBe(false);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Where a path inside the image (relative to WORKDIR, or absolute) lands in a replayed stage. */
function onDisk(stageDir: string, workdir: string, path: string): string {
  return join(stageDir, isAbsolute(path) ? relative(workdir, path) : path);
}

describe('Dockerfile (checked and replayed without a Docker engine)', () => {
  const stages = parseDockerfile(readFileSync(join(PROJECT_DIR, 'Dockerfile'), 'utf8'));
  const final = stages.at(-1)!;
  const ignored = readFileSync(join(PROJECT_DIR, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
  const dirs = new Map<string, string>();
  let runtimeDir = '';
  let worker: ChildProcess | null = null;
  let workerEnv: Record<string, string> = {};
  const healthcheck = () => {
    const argv = execForm(all(final, 'HEALTHCHECK')[0]!.args.replace(/^.*?CMD /, ''))!;
    return spawnSync(argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), {
      cwd: runtimeDir,
      env: workerEnv,
      encoding: 'utf8',
      timeout: 10_000,
    });
  };

  it('builds in one stage and ships from another: tagged bases, no ADD, absolute WORKDIR', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]!.name).toBe('build');
    for (const s of stages) {
      expect(s.from, 'base image pinned to a tag').toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(s.from).not.toMatch(/:latest$/);
      expect(all(s, 'ADD')).toEqual([]);
      for (const w of all(s, 'WORKDIR')) expect(w.args).toMatch(/^\//);
    }
    expect(
      all(final, 'RUN')
        .map((r) => r.args)
        .join('\n'),
    ).not.toMatch(/npm run build|tsc/);
  });

  it('installs production dependencies only in the final stage, and cleans the npm cache', () => {
    const installs = all(final, 'RUN').flatMap((r) => r.args.match(/npm (ci|install)[^|&)]*/g) ?? []);
    expect(installs.length).toBeGreaterThan(0);
    for (const i of installs) expect(i).toContain('--omit=dev');
    expect(all(final, 'RUN').some((r) => r.args.includes('npm cache clean --force'))).toBe(true);
  });

  it('runs as a non-root user, in exec form, with a HEALTHCHECK on the worker /healthz port', () => {
    const users = all(final, 'USER');
    expect(users.at(-1)?.args).toBeDefined();
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    const entry = execForm(all(final, 'ENTRYPOINT')[0]!.args);
    const cmd = execForm(all(final, 'CMD')[0]!.args);
    expect(entry).toEqual(['node', 'bin/affiliate-etl.js']);
    expect(cmd).toEqual(['worker']);
    const hc = all(final, 'HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]!.args).toMatch(/--start-period=\d+s/);
    expect(execForm(hc[0]!.args.replace(/^.*?CMD /, ''))).toEqual(['node', 'bin/healthcheck.js']);
    const port = envOf(final).METRICS_PORT;
    expect(port).toMatch(/^\d+$/);
    expect(all(final, 'EXPOSE').map((e) => e.args)).toContain(port);
  });

  it('copies only what the build context holds and .dockerignore lets through', () => {
    for (const s of stages) {
      for (const c of all(s, 'COPY').map((i) => parseCopy(i.args))) {
        if (c.from) {
          expect(
            stages.map((x) => x.name),
            `COPY --from=${c.from}`,
          ).toContain(c.from);
          continue;
        }
        for (const src of c.sources) {
          expect(existsSync(join(PROJECT_DIR, src)), src).toBe(true);
          expect(ignored, `${src} is excluded by .dockerignore`).not.toContain(src.split('/')[0]);
        }
      }
    }
  });

  it('the compose file runs migrate once, to completion, before the worker', () => {
    const compose = readFileSync(join(PROJECT_DIR, 'docker-compose.yml'), 'utf8');
    // A service's block: from its `  name:` line to the next line indented like it.
    const service = (name: string) => {
      const at = compose.indexOf(`\n  ${name}:\n`);
      expect(at, `service ${name}`).toBeGreaterThan(0);
      return compose.slice(at + 1).split(/\n {2}(?=\S)/)[0]!;
    };
    const migrate = service('migrate');
    expect(migrate).toContain('command: ["migrate"]');
    expect(migrate).toMatch(/restart: "no"/);
    expect(migrate).toMatch(/healthcheck:\s+disable: true/);
    expect(service('worker')).toMatch(/depends_on:\s+migrate:\s+condition: service_completed_successfully/);
  });

  describe('replayed', () => {
    beforeAll(async () => {
      await flushRedis();
      const npmCache = tempDir('npm-cache');
      for (const s of stages) {
        const dir = tempDir(`docker-${s.name ?? 'final'}`);
        dirs.set(s.name ?? 'final', dir);
        const workdir = all(s, 'WORKDIR')[0]?.args ?? '/';
        for (const i of s.instructions) {
          if (i.op === 'COPY') {
            const c = parseCopy(i.args);
            const fromDir = c.from ? dirs.get(c.from)! : PROJECT_DIR;
            const fromWorkdir = c.from
              ? (all(stages.find((x) => x.name === c.from)!, 'WORKDIR')[0]?.args ?? '/')
              : '/';
            for (const src of c.sources) {
              const from = c.from ? onDisk(fromDir, fromWorkdir, src) : join(fromDir, src);
              const to = c.dest.endsWith('/')
                ? join(onDisk(dir, workdir, c.dest), src.split('/').pop()!)
                : onDisk(dir, workdir, c.dest);
              mkdirSync(dirname(to), { recursive: true });
              cpSync(from, to, { recursive: true });
            }
          } else if (i.op === 'RUN') {
            if (s !== final && /\bnpm (ci|install)\b/.test(i.args)) {
              // The build stage's full install is what every `npm test` run does: reuse its result.
              symlinkSync(join(PROJECT_DIR, 'node_modules'), join(dir, 'node_modules'), 'dir');
              continue;
            }
            await step(`Dockerfile ${s.name ?? 'final'} stage: RUN`, i.args, {
              cwd: dir,
              // An empty npm cache of its own, as in a fresh image build (and the machine's cache is
              // left alone by the stage's \`npm cache clean --force\`).
              env: childEnv({ ...envOf(s), npm_config_cache: npmCache }),
              timeoutMs: 480_000,
              hint: s === final ? 'The production install needs the npm registry.' : undefined,
            });
          }
        }
      }
      runtimeDir = dirs.get('final')!;
      rmSync(npmCache, { recursive: true, force: true });
      const port = await freePort();
      workerEnv = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...envOf(final),
        METRICS_PORT: String(port),
        DATABASE_URL: process.env.DATABASE_URL ?? '',
        REDIS_URL: redisUrl,
        ETL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
      };
      const argv = [
        ...execForm(all(final, 'ENTRYPOINT')[0]!.args)!,
        ...execForm(all(final, 'CMD')[0]!.args)!,
      ];
      worker = spawn(process.execPath, argv.slice(1), { cwd: runtimeDir, env: workerEnv, stdio: 'ignore' });
    }, 900_000);

    afterAll(async () => {
      if (worker && worker.exitCode === null) {
        worker.kill('SIGKILL');
      }
      await flushRedis();
      for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
    });

    it('the build stage compiled src/ to dist/', () => {
      expect(existsSync(join(dirs.get('build')!, 'dist', 'cli.js'))).toBe(true);
    });

    it('the final stage holds no TypeScript, no tsx and no sources', () => {
      for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild']) {
        expect(existsSync(join(runtimeDir, 'node_modules', dev)), `${dev} installed`).toBe(false);
      }
      expect(existsSync(join(runtimeDir, 'src'))).toBe(false);
      expect(existsSync(join(runtimeDir, 'dist', 'cli.js'))).toBe(true);
    });

    it('its worker passes the HEALTHCHECK once up, and fails it once stopped', async () => {
      const started = Date.now();
      let last = healthcheck();
      while (last.status !== 0 && Date.now() - started < 90_000 && worker!.exitCode === null) {
        await new Promise((r) => setTimeout(r, 250));
        last = healthcheck();
      }
      expect(worker!.exitCode, 'the worker exited early').toBeNull();
      expect(last.stderr).toBe('');
      expect(last.status).toBe(0);
      const exited = new Promise((r) => worker!.once('exit', r));
      worker!.kill('SIGTERM');
      await exited;
      const after = healthcheck();
      expect(after.status).toBe(1);
      expect(after.stderr).toContain('healthcheck: no answer on 127.0.0.1:');
    }, 120_000);
  });
});
