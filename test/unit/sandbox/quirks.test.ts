import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSandbox } from '../../../src/cli/commands/sandbox/command.ts';
import { parseFaultSpec } from '../../../src/sandbox/faults.ts';
import {
  DEFAULT_QUIRKS,
  QUIRK_PROFILES,
  QUIRK_VALUES,
  type SandboxQuirks,
  describeQuirks,
  parseQuirks,
  resolveQuirks,
  validateQuirks,
} from '../../../src/sandbox/quirks.ts';

const KEYS = Object.keys(DEFAULT_QUIRKS) as (keyof SandboxQuirks)[];

describe('parseQuirks', () => {
  it('reads snake_case switch=value items, later items overriding earlier ones', () => {
    expect(parseQuirks('terminal_page_token=absent,error_status=4xx')).toEqual({
      terminalPageToken: 'absent',
      errorStatus: '4xx',
    });
    expect(
      parseQuirks(' order_range_cap = 90d , rotated_access_token=105001,rotated_access_token=36009004 '),
    ).toEqual({
      orderRangeCap: '90d',
      rotatedAccessToken: '36009004',
    });
    expect(parseQuirks('emptyBodySigning=none,refreshGrantType=authorized_code')).toEqual({
      emptyBodySigning: 'none',
      refreshGrantType: 'authorized_code',
    });
    expect(parseQuirks('')).toEqual({});
    expect(parseQuirks(',,')).toEqual({});
  });

  it('reads profile names, alone or mixed with items', () => {
    const all = QUIRK_PROFILES.find((p) => p.name === 'all');
    expect(parseQuirks('all')).toEqual(all?.quirks);
    expect(parseQuirks('all,error_status=200')).toEqual({ ...all?.quirks, errorStatus: '200' });
  });

  it('refuses unknown switches, unknown values and bare words with a message listing what is known', () => {
    expect(() => parseQuirks('terminal_token=absent')).toThrow(
      /quirks: unknown switch "terminal_token" \(known: terminal_page_token=empty\|absent\|zero, /,
    );
    expect(() => parseQuirks('error_status=500')).toThrow(/error_status must be one of 200, 4xx; got "500"/);
    expect(() => parseQuirks('error_status=')).toThrow(/error_status must be one of/);
    expect(() => parseQuirks('everything')).toThrow(
      /"everything" is neither key=value nor a profile name \(profiles: .*all/,
    );
  });
});

describe('validateQuirks / resolveQuirks / describeQuirks', () => {
  it('checks objects the same way and fills the defaults in', () => {
    expect(validateQuirks({ terminal_page_token: 'zero' })).toEqual({ terminalPageToken: 'zero' });
    expect(() => validateQuirks({ errorStatus: 404 })).toThrow(
      /error_status must be one of 200, 4xx; got 404/,
    );
    expect(() => validateQuirks(null)).toThrow(/must be an object/);
    expect(() => validateQuirks('all')).toThrow(/must be an object/);
    expect(resolveQuirks({ orderRangeCap: '90d' })).toEqual({ ...DEFAULT_QUIRKS, orderRangeCap: '90d' });
    expect(resolveQuirks()).toEqual(DEFAULT_QUIRKS);
    expect(describeQuirks(DEFAULT_QUIRKS)).toBe('');
    expect(describeQuirks({ ...DEFAULT_QUIRKS, errorStatus: '4xx', terminalPageToken: 'zero' })).toBe(
      'terminal_page_token=zero,error_status=4xx',
    );
  });

  it("the defaults are today's behaviour and the first value of each switch", () => {
    expect(DEFAULT_QUIRKS).toEqual({
      terminalPageToken: 'empty',
      errorStatus: '200',
      orderRangeCap: 'none',
      rotatedAccessToken: '105002',
      emptyBodySigning: 'bytes',
      refreshGrantType: 'lenient',
      creatorTraceOrders: 'granted',
    });
    for (const key of KEYS) expect(QUIRK_VALUES[key][0]).toBe(DEFAULT_QUIRKS[key]);
  });
});

describe('QUIRK_PROFILES', () => {
  it('holds one profile per non-default value of each switch, named by its spec, plus "all"', () => {
    const singles = QUIRK_PROFILES.filter((p) => p.name !== 'all');
    const expected = KEYS.flatMap((key) => QUIRK_VALUES[key].slice(1).map((value) => ({ [key]: value })));
    expect(singles.map((p) => p.quirks)).toEqual(expected);
    expect(singles).toHaveLength(10);
    for (const p of singles) expect(parseQuirks(p.name)).toEqual(p.quirks);
    expect(new Set(QUIRK_PROFILES.map((p) => p.name)).size).toBe(QUIRK_PROFILES.length);
  });

  it('"all" sets every switch to a non-default value at once', () => {
    const all = QUIRK_PROFILES.find((p) => p.name === 'all')?.quirks ?? {};
    expect(Object.keys(all).sort()).toEqual([...KEYS].sort());
    for (const key of KEYS) {
      expect(all[key]).not.toBe(DEFAULT_QUIRKS[key]);
      expect(QUIRK_VALUES[key] as readonly string[]).toContain(all[key]);
    }
  });
});

describe('affiliate-etl sandbox --help', () => {
  function help(): string {
    const program = new Command().exitOverride();
    registerSandbox(program);
    const sandbox = program.commands.find((c) => c.name() === 'sandbox');
    if (!sandbox) throw new Error('sandbox command not registered');
    let text = '';
    // A wide help so that no quoted spec is wrapped across lines.
    sandbox.configureHelp({ helpWidth: 10_000 }).configureOutput({ writeOut: (s) => (text += s) });
    sandbox.outputHelp();
    return text;
  }

  /** Every spec the help shows: `--faults X` / `--quirks X` in the examples, `e.g. "X"` in the options. */
  function specsOf(text: string, option: 'faults' | 'quirks'): string[] {
    const examples = [...text.matchAll(new RegExp(`--${option} ("[^"]*"|[^\\s<]\\S*)`, 'g'))].map(
      (m) => m[1] as string,
    );
    const line = text.split('\n').find((l) => l.trimStart().startsWith(`--${option} <spec>`)) ?? '';
    const eg = [...line.matchAll(/(?:e\.g\.|or) ("[^"]*")/g)].map((m) => m[1] as string);
    return [...examples, ...eg].map((s) => s.replace(/^"|"$/g, ''));
  }

  it('shows examples of both --faults and --quirks, and every one parses', () => {
    const text = help();
    const faults = specsOf(text, 'faults');
    const quirks = specsOf(text, 'quirks');
    expect(faults.length).toBeGreaterThanOrEqual(3);
    expect(quirks.length).toBeGreaterThanOrEqual(3);
    for (const spec of faults) expect(() => parseFaultSpec(spec), spec).not.toThrow();
    for (const spec of quirks) expect(() => parseQuirks(spec), spec).not.toThrow();
    expect(faults.some((s) => s.includes('429burst'))).toBe(true);
    expect(quirks).toContain('all');
  });

  it('the old example (429_burst without a burst length) stays a clear error', () => {
    expect(() => parseFaultSpec('orders:5xx=0.1;429_burst=0.05')).toThrow(/unknown kind "429_burst"/);
  });

  it('a bad --faults or --quirks value is a usage error before anything starts', async () => {
    for (const args of [
      ['--faults', 'orders:5xx=2'],
      ['--quirks', 'error_status=500'],
    ]) {
      const program = new Command().exitOverride();
      program.configureOutput({ writeErr: () => {} });
      registerSandbox(program);
      await expect(program.parseAsync(['node', 'affiliate-etl', 'sandbox', ...args])).rejects.toMatchObject({
        code: 'commander.invalidArgument',
      });
    }
  });
});
