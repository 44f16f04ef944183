/**
 * bin/affiliate-etl.js decides what it runs from what sits beside it: an installed package or the
 * image (dist/, no src/) runs the compiled code with no TypeScript loader; a checkout (src/) runs
 * the sources through tsx, so a stale dist/ never runs; a checkout without tsx falls back to dist/.
 * Each case is a throwaway copy of the real bin next to stand-in entries that say which one ran.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/affiliate-etl.js', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'bin-entry-'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Layout {
  dist?: boolean;
  src?: boolean;
  /** node_modules with tsx in it (a checkout after `npm install`). */
  tsx?: boolean;
}

function layout(name: string, l: Layout): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(BIN, join(dir, 'bin', 'affiliate-etl.js'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  // The src/ stand-in carries a type annotation: Node 20 loads it only through a TypeScript loader.
  if (l.dist) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(
      join(dir, 'dist', 'cli.js'),
      "console.log('ran dist/cli.js', process.argv.slice(2).join(' '));\n",
    );
  }
  if (l.src) {
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src', 'cli.ts'),
      "const from: string = 'src/cli.ts';\nconsole.log('ran ' + from, process.argv.slice(2).join(' '));\n",
    );
  }
  if (l.tsx) symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(dir: string) {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'affiliate-etl.js'), 'status', '--json'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/affiliate-etl.js', () => {
  it('runs the compiled dist/cli.js when no src/ ships (installed package, image), arguments passed on', () => {
    const r = run(layout('package', { dist: true }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ran dist/cli.js status --json\n');
    expect(r.code).toBe(0);
  });

  it('runs the sources through tsx in a checkout, even when a (possibly stale) dist/ exists', () => {
    const r = run(layout('checkout', { dist: true, src: true, tsx: true }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ran src/cli.ts status --json\n');
    expect(r.code).toBe(0);
  });

  it('falls back to dist/ in a checkout whose dependencies were installed without tsx', () => {
    const r = run(layout('checkout-no-tsx', { dist: true, src: true }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ran dist/cli.js status --json\n');
  });

  it('says what to do, exit 2, when there is neither dist/ nor tsx', () => {
    const checkout = run(layout('bare-checkout', { src: true }));
    expect(checkout.code).toBe(2);
    expect(checkout.stdout).toBe('');
    expect(checkout.stderr).toContain('run `npm install`');
    expect(checkout.stderr).toContain('`npm run build`');
    const packed = run(layout('unbuilt-package', {}));
    expect(packed.code).toBe(2);
    expect(packed.stderr).toContain('packed without `npm run build`');
  });
});
