/**
 * `npm run bench`: runs every benchmark, each figure a ratio against a baseline measured in the same run
 * on the same machine (never an absolute threshold), prints them as a table and writes
 * bench/results/*.json. Pass names to run a subset: `npm run bench -- loader e2e`.
 * Each benchmark runs in a process of its own: what one leaves behind (the loader's 200,000 rows grow
 * the heap to ~2 GB, and RSS never shrinks back) must not count in the next one's peak RSS or slow it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/log.ts';
import { type Services, startServices } from '../src/services/index.ts';

/** Numbers, and a few booleans (a verdict such as equals_ground_truth). */
type Figures = Record<string, number | boolean>;
interface Bench {
  name: string;
  file: string;
  run: () => Promise<Figures>;
}

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');

const benches: Bench[] = [
  {
    name: 'sandbox',
    file: 'sandbox.json',
    run: async () => (await import('./sandbox.bench.ts')).runSandboxBench(),
  },
  {
    name: 'loader',
    file: 'loader.json',
    run: async () => (await import('./loader.bench.ts')).runLoaderBench({}),
  },
  {
    name: 'e2e',
    file: 'e2e.json',
    run: async () => (await import('./e2e.bench.ts')).runE2eBench(),
  },
  {
    name: 'steady',
    file: 'steady.json',
    run: async () => (await import('./steady.bench.ts')).runSteadyBench() as Promise<Figures>,
  },
  {
    // WAREHOUSE_BENCH_LINES sets N (default 1,000,000; the issue's targets are at 20,000,000).
    name: 'warehouse',
    file: 'warehouse.json',
    run: async () => (await import('./warehouse.bench.ts')).runWarehouseBench(),
  },
  {
    // SCALE_BENCH_PAIRS (default 70,000), SCALE_BENCH_MINUTES (default 5) per measured window.
    name: 'scale',
    file: 'scale.json',
    run: async () => (await import('./scale.bench.ts')).runScaleBench(),
  },
];

/** Runs one benchmark in a fresh Node process (same loader flags) and returns its figures. */
async function runIsolated(bench: Bench): Promise<Figures> {
  const out = join(tmpdir(), `bench-${bench.name}-${process.pid}.json`);
  try {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, bench.name, out],
      {
        stdio: 'inherit',
        env: process.env,
      },
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, signal) => resolve(signal ? null : c));
    });
    if (code !== 0) throw new Error(`benchmark process exited with ${code ?? 'a signal'}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Figures;
  } finally {
    rmSync(out, { force: true });
  }
}

const CHILD_FLAG = '--bench-child';

async function child(name: string, out: string): Promise<void> {
  const bench = benches.find((b) => b.name === name);
  if (!bench) throw new Error(`unknown benchmark ${name}`);
  writeFileSync(out, JSON.stringify(await bench.run()));
  process.exit(0);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length > 0 ? benches.filter((b) => wanted.includes(b.name)) : benches;
  if (selected.length === 0) {
    console.error(
      `unknown benchmark(s): ${wanted.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`,
    );
    process.exit(2);
  }
  mkdirSync(resultsDir, { recursive: true });
  // The benchmarks read DATABASE_URL / REDIS_URL; without them, bring services up the same way the tests
  // do (Docker when an engine answers, else local Postgres/Redis on loopback), so a fresh clone can bench.
  let services: Services | null = null;
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
    services = await startServices({ mode: 'test', log: createLogger({ level: 'info', name: 'bench' }) });
    process.env.DATABASE_URL ??= services.databaseUrl;
    process.env.REDIS_URL ??= services.redisUrl;
  }
  const summary: { bench: string; figure: string; value: string }[] = [];
  let failed = false;
  for (const bench of selected) {
    console.log(`\n== ${bench.name} ==`);
    try {
      const figures = await runIsolated(bench);
      writeFileSync(join(resultsDir, bench.file), `${JSON.stringify(figures, null, 2)}\n`);
      for (const [figure, value] of Object.entries(figures)) {
        summary.push({
          bench: bench.name,
          figure,
          value: typeof value === 'boolean' || Number.isInteger(value) ? String(value) : value.toFixed(3),
        });
      }
    } catch (error) {
      failed = true;
      console.error(`benchmark ${bench.name} failed:`, error);
    }
  }
  console.log('\n== results ==');
  console.table(summary);
  await services?.stop();
  process.exit(failed ? 1 : 0);
}

if (process.argv[2] === CHILD_FLAG) await child(process.argv[3] ?? '', process.argv[4] ?? '');
else await main();
