/**
 * Progress of long commands (sync, backfill). On an interactive terminal: a cli-progress bar that
 * redraws in place. Otherwise (a pipe, cron, CI=true): plain lines, throttled, so a log file gets a
 * readable trail instead of carriage-return noise. Progress goes to stderr: stdout carries only the
 * command's result (the summary table), so `affiliate-etl sync > summary.txt` stays clean.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

export interface Progress {
  /** `value` of `total` done; `detail` is a short phrase such as "412 pages, 20,311 rows". */
  update(value: number, total: number, detail?: string): void;
  /** Ends the bar (idempotent). */
  stop(): void;
}

export interface ProgressOptions {
  out: Writable & { isTTY?: boolean };
  /** ctx.plain: not a TTY, or CI=true. */
  plain: boolean;
  /** Prefix of every line, e.g. "sync" or "backfill seller_affiliate_orders". */
  label: string;
  /** What is counted, e.g. "syncs" or "windows". */
  unit: string;
  now?: () => number;
  /** Plain mode: at most one line per this many ms (the final line is always written). */
  intervalMs?: number;
}

export function createProgress(opts: ProgressOptions): Progress {
  return opts.plain || !opts.out.isTTY ? plainProgress(opts) : barProgress(opts);
}

function barProgress(opts: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: opts.out,
      format: `${opts.label} [{bar}] {value}/{total} ${opts.unit} | {duration_formatted} | {detail}`,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(value, total, detail = '') {
      if (stopped) return;
      if (!started) {
        bar.start(total, value, { detail });
        started = true;
        return;
      }
      bar.setTotal(total);
      bar.update(value, { detail });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}

function plainProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 5_000;
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastLine = '';
  let stopped = false;
  return {
    update(value, total, detail = '') {
      if (stopped) return;
      const line = `[${opts.label}] ${value}/${total} ${opts.unit}${detail ? `, ${detail}` : ''}`;
      const t = now();
      const final = total > 0 && value >= total;
      if (line === lastLine || (!final && t - lastAt < interval)) return;
      opts.out.write(`${line}\n`);
      lastAt = t;
      lastLine = line;
    },
    stop() {
      stopped = true;
    },
  };
}
