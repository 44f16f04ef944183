/**
 * Runs a command as named steps and reports each one: what is happening, how long it took, what
 * it produced. Interactive terminals get compact symbols; CI and pipes get plain numbered lines.
 */
import type { Writable } from 'node:stream';

export interface Step<S> {
  title: string;
  /** Returns a short detail for the report line (e.g. "3 migrations applied"). */
  run(state: S): Promise<string | undefined>;
}

export interface StepRunOptions {
  out: Writable;
  plain: boolean;
  /** Prefix of plain lines, e.g. "quickstart". */
  name: string;
  now?: () => number;
  /** Checked between steps: an aborted run stops before the next step (the current one finishes). */
  signal?: AbortSignal;
}

export class StepsInterruptedError extends Error {
  override readonly name = 'StepsInterruptedError';
}

export class StepFailedError extends Error {
  override readonly name = 'StepFailedError';
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export async function runSteps<S>(steps: readonly Step<S>[], state: S, opts: StepRunOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  for (const [i, step] of steps.entries()) {
    if (opts.signal?.aborted) {
      throw new StepsInterruptedError(
        `interrupted before "${step.title}" (step ${i + 1} of ${steps.length})`,
      );
    }
    const tag = `[${opts.name} ${i + 1}/${steps.length}]`;
    opts.out.write(opts.plain ? `${tag} ${step.title} ...\n` : `▸ ${step.title}\n`);
    const started = now();
    let detail: string | undefined;
    try {
      detail = await step.run(state);
    } catch (err) {
      opts.out.write(opts.plain ? `${tag} FAILED: ${step.title}\n` : `✖ ${step.title}\n`);
      throw new StepFailedError(step.title, err);
    }
    const took = formatDuration(now() - started);
    const suffix = detail ? `: ${detail}` : '';
    opts.out.write(opts.plain ? `${tag} done in ${took}${suffix}\n` : `✔ ${step.title} (${took})${suffix}\n`);
  }
}

export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
