/**
 * Every example in every `--help` works as written: each `$ affiliate-etl ...` line (with its
 * continuation lines) is taken from the help the CLI really prints, shell-split, given placeholder
 * values for its $VARIABLES, and parsed by the real command tree: every option and argument parser,
 * choice list and required option runs (spec parsers such as --faults and --quirks included); only
 * the actions, which need services, are replaced. An example that is a usage error fails here.
 */
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/context.ts';
import { runCli } from '../../../src/cli/main.ts';
import { buildProgram } from '../../../src/cli/program.ts';

function context(): { ctx: CliContext; out: () => string; err: () => string } {
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  const sink = (into: Buffer[]) =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  return {
    ctx: {
      env: {},
      cwd: process.cwd(),
      stdout: sink(chunks.out),
      stderr: sink(chunks.err),
      plain: true,
      logFormat: 'json',
    },
    out: () => Buffer.concat(chunks.out).toString(),
    err: () => Buffer.concat(chunks.err).toString(),
  };
}

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

/** The `$ affiliate-etl ...` lines of a help text, continuation lines (trailing `\`) joined. */
function examplesIn(help: string): string[] {
  const lines = help.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\$ (.*)$/.exec(lines[i]!);
    if (!m) continue;
    let text = m[1]!;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    out.push(text);
  }
  return out;
}

/**
 * Minimal shell split: quotes, $VAR placeholders, env assignments, `||` / `#` tails. Null for an
 * example that runs something else (e.g. `npm run quickstart`).
 */
function shellArgs(example: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  const text = example.replace(/\s+#.*$/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '$' && quote === '"') {
        const v = /^\$\{?([A-Z_]+)\}?/.exec(text.slice(i))!;
        word += `placeholder-${v[1]!.toLowerCase()}`;
        i += v[0].length - 1;
      } else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  const tail = words.findIndex((w) => w === '||' || w === '&&');
  const cut = tail >= 0 ? words.slice(0, tail) : words;
  const start = cut.indexOf('affiliate-etl');
  if (start < 0) return null;
  return cut.slice(start + 1);
}

const all = (() => {
  const { ctx } = context();
  return commandPaths(buildProgram(ctx));
})();

async function helpOf(path: string[]): Promise<string> {
  const c = context();
  const code = await runCli([...path, '--help'], c.ctx);
  expect(code).toBe(0);
  return c.out();
}

/** The command tree with every action replaced: parsing, option and argument parsers still run. */
async function parses(args: string[]): Promise<{ ok: boolean; err: string }> {
  const c = context();
  const program = buildProgram(c.ctx);
  const stub = (cmd: Command) => {
    for (const sub of cmd.commands) {
      if (sub.commands.length === 0) sub.action(() => undefined);
      stub(sub);
    }
  };
  stub(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { ok: true, err: c.err() };
  } catch (error) {
    return { ok: false, err: `${c.err()}${(error as Error).message}` };
  }
}

describe('help examples', () => {
  it('finds examples in the help of every command that has options or arguments', async () => {
    let total = 0;
    for (const path of [[], ...all]) total += examplesIn(await helpOf(path)).length;
    expect(total).toBeGreaterThan(25);
  });

  it('every example of every --help parses with the real command tree', async () => {
    const failures: string[] = [];
    for (const path of [[], ...all]) {
      for (const example of examplesIn(await helpOf(path))) {
        const args = shellArgs(example);
        if (!args) continue;
        const r = await parses(args);
        if (!r.ok) failures.push(`affiliate-etl ${path.join(' ')} --help: "${example}"\n    ${r.err.trim()}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the splitter handles quotes, variables, env prefixes and trailing || and comments', () => {
    expect(shellArgs('DATABASE_URL=postgres://x affiliate-etl migrate')).toEqual(['migrate']);
    expect(shellArgs('affiliate-etl sandbox --faults "orders:5xx=0.1;x" # note')).toEqual([
      'sandbox',
      '--faults',
      'orders:5xx=0.1;x',
    ]);
    expect(shellArgs('affiliate-etl connections add seller --auth-code "$CODE"')).toEqual([
      'connections',
      'add',
      'seller',
      '--auth-code',
      'placeholder-code',
    ]);
    expect(shellArgs('affiliate-etl status --check || alert "x"')).toEqual(['status', '--check']);
    expect(shellArgs('npm run quickstart')).toBeNull();
    expect(shellArgs('affiliate-etl doctor && echo healthy')).toEqual(['doctor']);
    expect(examplesIn('Examples:\n  $ affiliate-etl a \\\n      --b 1\n')).toEqual([
      'affiliate-etl a  --b 1',
    ]);
  });
});
