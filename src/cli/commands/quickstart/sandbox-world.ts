/**
 * The quick start's sandbox, the SAME simulated world on every run. The sandbox's dataset is
 * deterministic from (seed, scale, start time) (src/sandbox/data/world.ts), and its order history
 * is laid out relative to the start time. A second quick start must meet the world the first one
 * loaded, or every order would come back with shifted create times and the "run it again" sync
 * would rewrite every row. So the first run records its start time in .tmp/quickstart/, later runs
 * rebuild the world at that instant and then move the virtual clock forward to the real now: the
 * orders created in between arrive as new ones, everything else is what the warehouse already holds.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sandbox, SandboxScale } from '../../../sandbox/types.ts';

export const QUICKSTART_SEED = 1;

export interface WorldRecord {
  seed: number;
  startTimeMs: number;
}

export interface QuickstartSandbox {
  sandbox: Sandbox;
  /** True when the world was rebuilt from an earlier run's record. */
  reused: boolean;
  /** How far the virtual clock was moved to reach the real now (0 on a first run). */
  advancedMs: number;
}

export interface StartQuickstartSandboxOptions {
  /** JSON file of the recorded worlds, one per scale. */
  file: string;
  scale: SandboxScale;
  /** Sandbox fault spec (src/sandbox/faults.ts), to watch the pipeline cope with a misbehaving API. */
  faults?: string;
  now?: () => number;
}

export async function startQuickstartSandbox(
  opts: StartQuickstartSandboxOptions,
): Promise<QuickstartSandbox> {
  const now = opts.now ?? Date.now;
  const records = readRecords(opts.file);
  const known = records[opts.scale];
  const record: WorldRecord = known ?? { seed: QUICKSTART_SEED, startTimeMs: now() };
  if (!known) writeRecords(opts.file, { ...records, [opts.scale]: record });
  // Loaded on use: only the quick start and the `sandbox` command need the simulator.
  const { startSandbox } = await import('../../../sandbox/index.ts');
  const sandbox = await startSandbox({
    scale: opts.scale,
    seed: record.seed,
    startTimeMs: record.startTimeMs,
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  // The pipeline signs requests with the real clock and the sandbox checks timestamps against its
  // virtual one (docs/tiktok-api.md#common-parameters: within [now - 5 min, now + 30 s]): both must read the same time.
  const advancedMs = Math.max(0, now() - sandbox.clock.nowMs());
  sandbox.clock.advance(advancedMs);
  return { sandbox, reused: known !== undefined, advancedMs };
}

function readRecords(file: string): Partial<Record<SandboxScale, WorldRecord>> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `${file} is not valid JSON (${(err as Error).message}); delete it to start the sandbox with a new world`,
    );
  }
  const out: Partial<Record<SandboxScale, WorldRecord>> = {};
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const [scale, value] of Object.entries(parsed)) {
    const v = value as Partial<WorldRecord> | null;
    if (v && Number.isInteger(v.seed) && Number.isInteger(v.startTimeMs)) {
      out[scale as SandboxScale] = { seed: v.seed as number, startTimeMs: v.startTimeMs as number };
    }
  }
  return out;
}

function writeRecords(file: string, records: Partial<Record<SandboxScale, WorldRecord>>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(records, null, 2)}\n`);
}
