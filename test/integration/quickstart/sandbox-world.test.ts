/**
 * The quick start's sandbox is the same world on every run (src/cli/commands/quickstart/sandbox-world.ts):
 * a recorded start time rebuilds it, and the virtual clock is moved to the real now so signed
 * requests (docs/tiktok-api.md#common-parameters timestamp window) and new orders line up with the real clock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  QUICKSTART_SEED,
  startQuickstartSandbox,
} from '../../../src/cli/commands/quickstart/sandbox-world.ts';
import { startSandbox } from '../../../src/sandbox/index.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'quickstart-world-'));
const opened: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;

async function orderTimes(sandbox: Sandbox): Promise<Map<string, number>> {
  const seller = sandbox.accounts.find((a) => a.kind === 'seller');
  if (seller?.kind !== 'seller') throw new Error('no seller account');
  const truth = await sandbox.groundTruth('seller_affiliate_orders', seller.shops[0]!.id);
  const times = new Map<string, number>();
  for (const group of truth.groups)
    for (const r of group.records) times.set(String(r.id), Number(r.create_time));
  return times;
}

describe('startQuickstartSandbox', () => {
  it('records a new world on the first run and starts it at the real now', async () => {
    const file = join(dir, 'first', 'sandbox.json');
    const started = await startQuickstartSandbox({ file, scale: 'tiny' });
    opened.push(started.sandbox);
    expect(started.reused).toBe(false);
    expect(Math.abs(started.sandbox.clock.nowMs() - Date.now())).toBeLessThan(2_000);
    const record = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      { seed: number; startTimeMs: number }
    >;
    expect(record.tiny?.seed).toBe(QUICKSTART_SEED);
    expect(Math.abs(record.tiny!.startTimeMs - Date.now())).toBeLessThan(5_000);
  });

  it('rebuilds the recorded world days later: same accounts, same orders, clock at the real now', async () => {
    const file = join(dir, 'later', 'sandbox.json');
    const startTimeMs = Date.now() - 3 * DAY;
    await startQuickstartSandbox({ file, scale: 'tiny', now: () => startTimeMs }).then((s) =>
      opened.push(s.sandbox),
    );
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { startTimeMs: number }>;
    expect(recorded.tiny?.startTimeMs).toBe(startTimeMs);

    const later = await startQuickstartSandbox({ file, scale: 'tiny' });
    opened.push(later.sandbox);
    expect(later.reused).toBe(true);
    expect(later.advancedMs).toBeGreaterThan(3 * DAY - 60_000);
    expect(Math.abs(later.sandbox.clock.nowMs() - Date.now())).toBeLessThan(2_000);

    // The world as it was at the recorded start: every order it had is still there, unchanged.
    const original = await startSandbox({ scale: 'tiny', seed: QUICKSTART_SEED, startTimeMs });
    opened.push(original);
    expect(later.sandbox.app).toEqual(original.app);
    expect(later.sandbox.accounts.map((a) => a.openId)).toEqual(original.accounts.map((a) => a.openId));
    const before = await orderTimes(original);
    const now = await orderTimes(later.sandbox);
    expect(before.size).toBeGreaterThan(50);
    for (const [id, createTime] of before) expect(now.get(id), id).toBe(createTime);
    // Three days of new orders arrived in between, as on a real shop.
    expect(now.size).toBeGreaterThan(before.size);
  });

  it('says how to recover from a damaged record', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ not json');
    await expect(startQuickstartSandbox({ file, scale: 'tiny' })).rejects.toThrow(
      /broken\.json is not valid JSON .*delete it/,
    );
  });
});
