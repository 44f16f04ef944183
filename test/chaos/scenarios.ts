/**
 * The chaos scenarios: what the sandbox serves (its fault spec), how many workers run, and which
 * events hit them while every stream of every connection syncs. Each can run alone
 * (`npm run chaos -- --scenario NAME`); `--short` runs the small plans, sized for the default test
 * command.
 */

/**
 * Every sandbox transport fault at realistic rates, and an access token expiring mid-run. The faults
 * that destroy an answer after the server acted on the request (reset, truncate, malformed) are kept
 * off the token host: a refresh whose answer is lost after the server rotated the pair leaves no valid
 * credentials anywhere (the old pair is invalidated at once), so no client can survive it; the
 * connection is marked for re-authorization, which test/e2e/faults.test.ts covers on its own.
 */
const BUSINESS = ['authorization', 'seller', 'creator', 'partner'];
const TRANSPORT_FAULTS = [
  '5xx=0.04',
  'internal=0.01',
  'timeout=0.01',
  '429=0.01',
  '429burst=0.004x4',
  ...BUSINESS.flatMap((scope) => [
    `${scope}:reset=0.01`,
    `${scope}:truncate=0.01`,
    `${scope}:malformed=0.01`,
  ]),
  'token_expiry_after=120',
  'latency=uniform(0,15)',
].join(';');

/** Hostile and drifting records: a missing field, a field of the wrong type, an unknown field. */
const DRIFT_FAULTS = 'drift.missing=0.03;drift.type=0.03;drift.extra=0.03';

export type ChaosEvent =
  /** SIGKILL every worker at once, start as many again. */
  | { kind: 'kill-storm' }
  /** `pg_ctl stop -m immediate`, down for downMs, then start again. */
  | { kind: 'postgres-stop'; downMs: number }
  /** SIGKILL redis-server, down for downMs, then start again (same append-only file). */
  | { kind: 'redis-kill'; downMs: number };

export interface ScenarioPlan {
  name: string;
  about: string;
  /** Fault spec during the chaos phase (null = none); the final clean pass always runs without. */
  faults: string | null;
  workers: number;
  /**
   * Events, the first `firstEventMs` after the start, each next one `gapMs` after the previous one,
   * only while chaos jobs are unfinished and once one of them is active.
   */
  events: ChaosEvent[];
  firstEventMs: number;
  gapMs: number;
  /** Sandbox fixed latency per request (ms): long enough syncs for the events to land mid-run. */
  latencyMs: number;
  windowDays: number;
  /** Sync every stream cleanly first, so the chaos phase runs over stored good rows. */
  preload: boolean;
  /** Also compare right after the chaos phase, before the clean pass (hostile records). */
  checkBeforeCleanPass: boolean;
  /** Give up waiting for the chaos phase's jobs after this long. */
  deadlineMs: number;
}

const base = {
  faults: null,
  workers: 2,
  events: [],
  firstEventMs: 1_500,
  gapMs: 2_000,
  latencyMs: 10,
  windowDays: 7,
  preload: false,
  checkBeforeCleanPass: false,
  deadlineMs: 8 * 60_000,
} satisfies Omit<ScenarioPlan, 'name' | 'about'>;

const storms = (n: number): ChaosEvent[] => Array.from({ length: n }, () => ({ kind: 'kill-storm' }));

export function scenarioPlans(short: boolean): ScenarioPlan[] {
  return [
    {
      ...base,
      name: 'faults',
      about: 'every transport fault of the sandbox at realistic rates, and a token expiring mid-run',
      faults: TRANSPORT_FAULTS,
      workers: short ? 2 : 3,
      latencyMs: short ? 0 : 10,
      deadlineMs: short ? 40_000 : base.deadlineMs,
    },
    {
      ...base,
      name: 'page-token-expiry',
      about: 'page tokens expiring (5 % of the requests that carry one) on every stream',
      faults: 'page_token_expired=0.05',
      latencyMs: short ? 0 : 10,
      deadlineMs: short ? 40_000 : 3 * 60_000,
    },
    {
      ...base,
      name: 'hostile',
      about: 'hostile and drifting records over stored good rows (missing, wrong-type and unknown fields)',
      faults: DRIFT_FAULTS,
      latencyMs: 0,
      preload: true,
      checkBeforeCleanPass: true,
      deadlineMs: short ? 40_000 : 3 * 60_000,
    },
    {
      ...base,
      name: 'kill-storm',
      about:
        'SIGKILL storms on every worker, production stall settings (30 s lock, 30 s stalled check, maxStalledCount 3)',
      faults: '5xx=0.02',
      workers: 3,
      // A dead worker's job comes back only after its 30 s lock expired and a stalled check ran:
      // storms are spaced so each one lands on jobs the previous one left stalled and that resumed.
      events: storms(short ? 1 : 5),
      gapMs: short ? 1_500 : 45_000,
      // Slow enough pages that the jobs outlive five storms (at 25 ms they ended after two).
      latencyMs: short ? 25 : 80,
      windowDays: short ? 2 : 1,
      deadlineMs: short ? 50_000 : 10 * 60_000,
    },
    {
      ...base,
      name: 'postgres-outage',
      about: 'Postgres stopped immediately (every backend killed) mid-sync, then restarted',
      faults: '5xx=0.02',
      events: [
        { kind: 'postgres-stop', downMs: 3_000 },
        { kind: 'postgres-stop', downMs: short ? 1_000 : 8_000 },
      ],
      gapMs: short ? 1_500 : 4_000,
      latencyMs: 20,
      windowDays: 2,
      deadlineMs: short ? 50_000 : 6 * 60_000,
    },
    {
      ...base,
      name: 'redis-outage',
      about:
        'Redis SIGKILLed mid-sync, then restarted from its append-only file, under every transport fault',
      faults: TRANSPORT_FAULTS,
      events: [
        { kind: 'redis-kill', downMs: 2_000 },
        { kind: 'redis-kill', downMs: short ? 1_000 : 6_000 },
      ],
      gapMs: short ? 1_500 : 4_000,
      latencyMs: 20,
      windowDays: 2,
      deadlineMs: short ? 50_000 : 6 * 60_000,
    },
  ];
}

export const SCENARIO_NAMES = scenarioPlans(false).map((p) => p.name);

/** Scenarios of the short run in the default test command: those that end clean on today's code. */
export const SHORT_DEFAULT = ['redis-outage'];

export function selectPlans(names: readonly string[], short: boolean): ScenarioPlan[] {
  const plans = scenarioPlans(short);
  const unknown = names.filter((n) => !SCENARIO_NAMES.includes(n));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_NAMES.join(', ')})`);
  const wanted = names.length > 0 ? names : short ? SHORT_DEFAULT : SCENARIO_NAMES;
  return plans.filter((p) => wanted.includes(p.name));
}
