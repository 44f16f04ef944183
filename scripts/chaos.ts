/**
 * `npm run chaos`: the chaos suite (test/chaos). Starts its own Postgres and Redis (stopped and
 * restarted by the scenarios; the shared test servers are never touched), runs every scenario, or
 * those named with --scenario, prints what was survived, writes the report as JSON under
 * .tmp/chaos/ and exits 1 on any difference from the sandbox's ground truth.
 *
 *   npm run chaos                              every scenario, full size (several minutes)
 *   npm run chaos -- --short                   the small run of the default test command (< 60 s)
 *   npm run chaos -- --scenario kill-storm     one scenario (repeat the flag for more)
 *   npm run chaos -- --seed 7                  another sandbox world
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { renderReport } from '../test/chaos/report.ts';
import { runChaos } from '../test/chaos/run.ts';
import { SCENARIO_NAMES, selectPlans } from '../test/chaos/scenarios.ts';

const program = new Command('chaos')
  .description('Chaos suite: faults, kill storms and outages, then a comparison with the ground truth')
  .option('--short', 'small plans (the default test command runs these)', false)
  .option(
    '--scenario <name>',
    `run only this scenario; repeatable (${SCENARIO_NAMES.join(', ')})`,
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option(
    '--seed <n>',
    'sandbox seed of the first scenario',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--seed must be a positive integer, got "${v}"`);
      return n;
    },
    1,
  )
  .parse(process.argv);

const opts = program.opts<{ short: boolean; scenario: string[]; seed: number }>();
let plans: ReturnType<typeof selectPlans>;
try {
  plans = selectPlans(opts.scenario, opts.short);
} catch (err) {
  console.error(`chaos: ${(err as Error).message}`);
  process.exit(2);
}
const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.tmp', 'chaos');
mkdirSync(dir, { recursive: true });
const jsonPath = join(dir, `report-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const command = ['npm run chaos', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
  ' ',
);
const report = await runChaos({
  plans,
  short: opts.short,
  seed: opts.seed,
  command,
  jsonPath,
  note: (line) => console.error(line),
});
console.log(renderReport(report));
console.log(`report: ${jsonPath}`);
process.exit(report.totals.differences === 0 ? 0 : 1);
