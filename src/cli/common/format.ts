/** Short, unambiguous renderings of instants, ages and durations for tables (always UTC). */

/** `2026-11-21 12:34Z`: minutes are enough in a table; the Z makes the zone explicit. */
export function formatInstant(date: Date | null | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '-';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** `45s`, `12m`, `3h 5m`, `2d 4h`. Negative spans (clock skew) read as 0s. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** `12m ago` / `in 3h` relative to `now`. */
export function formatRelative(date: Date | null | undefined, now: Date): string {
  if (!date || Number.isNaN(date.getTime())) return '-';
  const delta = date.getTime() - now.getTime();
  return delta >= 0 ? `in ${formatSpan(delta)}` : `${formatSpan(-delta)} ago`;
}

/** Run durations: `850 ms`, `12.4 s`, `3m 20s`. */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** An interval in ms as the operator typed it: 15m, 1h, 6h, 1h 30m. */
export function formatEvery(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.join(' ') : `${ms} ms`;
}

/** Expiry of a token: the instant plus how far away it is. */
export function formatExpiry(date: Date | null | undefined, now: Date): string {
  if (!date) return 'unknown';
  const rel = formatRelative(date, now);
  return date.getTime() <= now.getTime() ? `EXPIRED ${rel}` : `${formatInstant(date)} (${rel})`;
}

/** A scheduled run: `in 12m`, or `overdue 3m` when its time has passed (no worker picked it up yet). */
export function formatNextRun(date: Date, now: Date): string {
  const delta = date.getTime() - now.getTime();
  return delta >= -5_000 ? `in ${formatSpan(Math.max(0, delta))}` : `overdue ${formatSpan(-delta)}`;
}
