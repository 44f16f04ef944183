import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  formatDurationMs,
  formatEvery,
  formatExpiry,
  formatInstant,
  formatNextRun,
  formatRelative,
  formatSpan,
} from '../../../src/cli/common/format.ts';
import { createProgress } from '../../../src/cli/common/progress.ts';
import { renderTable } from '../../../src/cli/common/table.ts';

function sink(isTTY = false) {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

describe('format', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  it('renders instants, spans, relative times and intervals', () => {
    expect(formatInstant(new Date('2026-11-21T09:05:59Z'))).toBe('2026-11-21 09:05Z');
    expect(formatInstant(null)).toBe('-');
    expect([45_000, 12 * 60_000, 185 * 60_000, 50 * 3_600_000, 72 * 3_600_000].map(formatSpan)).toEqual([
      '45s',
      '12m',
      '3h 5m',
      '2d 2h',
      '3d',
    ]);
    expect(formatRelative(new Date('2026-11-21T11:48:00Z'), now)).toBe('12m ago');
    expect(formatRelative(new Date('2026-11-21T15:00:00Z'), now)).toBe('in 3h');
    expect(formatNextRun(new Date('2026-11-21T11:50:00Z'), now)).toBe('overdue 10m');
    expect(formatNextRun(new Date('2026-11-21T12:30:00Z'), now)).toBe('in 30m');
    expect([850, 12_400, 200_000].map(formatDurationMs)).toEqual(['850 ms', '12.4 s', '3m 20s']);
    expect([900_000, 3_600_000, 5_400_000, 86_400_000].map(formatEvery)).toEqual([
      '15m',
      '1h',
      '1h 30m',
      '1d',
    ]);
    expect(formatExpiry(new Date('2026-11-20T12:00:00Z'), now)).toBe('EXPIRED 24h ago');
    expect(formatExpiry(new Date('2026-11-28T12:00:00Z'), now)).toBe('2026-11-28 12:00Z (in 7d)');
  });
});

describe('renderTable', () => {
  it('plain mode is ASCII without colour codes, one line per row, numbers right-aligned', () => {
    const text = renderTable(
      ['conn', 'stream', 'rows'],
      [
        [1, 'partner_campaigns', 12_345],
        [22, 'x', null],
      ],
      { plain: true, numeric: [0, 2] },
    );
    expect(text).not.toContain(String.fromCharCode(27));
    expect(text).not.toMatch(/[─│┌]/);
    expect(text.trimEnd().split('\n')).toEqual([
      '+------+-------------------+--------+',
      '| conn | stream            |   rows |',
      '|    1 | partner_campaigns | 12,345 |',
      '|   22 | x                 |      - |',
      '+------+-------------------+--------+',
    ]);
  });
});

describe('createProgress', () => {
  it('writes throttled plain lines when not interactive, always the last one', () => {
    const out = sink(false);
    let t = 0;
    const p = createProgress({
      out: out.stream,
      plain: true,
      label: 'sync',
      unit: 'syncs',
      now: () => t,
      intervalMs: 1_000,
    });
    p.update(0, 3, 'starting');
    t = 100;
    p.update(1, 3, 'a');
    t = 1_200;
    p.update(2, 3, 'b');
    t = 1_300;
    p.update(3, 3, 'c');
    p.stop();
    p.update(3, 3, 'after stop');
    expect(out.text()).toBe('[sync] 0/3 syncs, starting\n[sync] 2/3 syncs, b\n[sync] 3/3 syncs, c\n');
  });

  it('draws a bar on a terminal', () => {
    const out = sink(true);
    const p = createProgress({ out: out.stream, plain: false, label: 'backfill', unit: 'windows' });
    p.update(1, 4, '10 pages');
    p.update(4, 4, '40 pages');
    p.stop();
    expect(out.text()).toContain('backfill [');
    expect(out.text()).toContain('4/4 windows');
  });
});
