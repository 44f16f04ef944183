/**
 * Shared by the packaging tests: a throwaway copy of the checkout (what a fresh clone holds, with
 * the installed node_modules linked in, never a dist/ from an earlier build) and a command runner
 * whose failure names the step and shows the end of its output.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** Left out of the copy: installed or generated things, and local state. */
const SKIP = new Set(['node_modules', '.git', 'dist', '.tmp', 'coverage', '.env']);

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `aet-${label}-`));
}

/** A copy of the checkout in a new temporary directory; returns its path. */
export function stageCheckout(label: string): string {
  const dir = tempDir(label);
  cpSync(PROJECT_DIR, dir, {
    recursive: true,
    filter: (from) => {
      const rel = relative(PROJECT_DIR, from);
      return rel === '' || !SKIP.has(rel.split(sep)[0]!);
    },
  });
  symlinkSync(join(PROJECT_DIR, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * The environment for npm and the shell: this process's, less the npm_* variables that `npm test`
 * exports (they would make a nested npm act on this project), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` through sh in `cwd`; rejects, naming `step`, on a non-zero exit or a timeout. */
export function step(
  name: string,
  command: string,
  opts: { cwd: string; env?: Record<string, string>; timeoutMs: number; hint?: string },
): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], {
      cwd: opts.cwd,
      env: opts.env ?? childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) return resolve({ code, stdout, stderr });
      const tail = (s: string) => s.trimEnd().split('\n').slice(-40).join('\n');
      const why = timedOut ? `did not finish within ${opts.timeoutMs / 1000} s` : `exited with ${code}`;
      reject(
        new Error(
          `${name} failed: \`${command}\` in ${opts.cwd} ${why}.${opts.hint ? ` ${opts.hint}` : ''}\n` +
            `--- stdout (end) ---\n${tail(stdout)}\n--- stderr (end) ---\n${tail(stderr)}`,
        ),
      );
    });
  });
}
