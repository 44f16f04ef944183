import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailable, findOnPath, findPostgresBin } from '../../../src/services/probes.ts';

const dir = mkdtempSync(join(tmpdir(), 'probes-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBin(folder: string, name: string, script: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(folder, name), 0o755);
}

describe('docker probe', () => {
  it('is time-boxed: a hanging `docker info` counts as no Docker within the limit', async () => {
    const bin = join(dir, 'hang');
    fakeBin(bin, 'docker', 'exec sleep 30');
    const started = Date.now();
    expect(await dockerAvailable(400, { PATH: bin })).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('is false without a docker CLI and when the engine does not answer', async () => {
    expect(await dockerAvailable(1_000, { PATH: join(dir, 'nothing-here') })).toBe(false);
    const bin = join(dir, 'noengine');
    fakeBin(bin, 'docker', 'echo "Cannot connect to the Docker daemon" >&2; exit 1');
    expect(await dockerAvailable(1_000, { PATH: bin })).toBe(false);
  });

  it('is true when the engine reports a server version', async () => {
    const bin = join(dir, 'engine');
    fakeBin(bin, 'docker', 'echo 27.1.0');
    expect(await dockerAvailable(1_000, { PATH: bin })).toBe(true);
  });
});

describe('binary discovery', () => {
  it('finds executables on PATH only', () => {
    const bin = join(dir, 'redis');
    fakeBin(bin, 'redis-server', 'exit 0');
    expect(findOnPath('redis-server', `${join(dir, 'none')}:${bin}`)).toBe(join(bin, 'redis-server'));
    expect(findOnPath('redis-server', join(dir, 'none'))).toBeNull();
  });

  it('picks the newest Debian postgres version that has the server binaries', () => {
    const root = join(dir, 'postgresql');
    for (const b of ['initdb', 'pg_ctl', 'postgres']) fakeBin(join(root, '15', 'bin'), b, 'exit 0');
    for (const b of ['initdb', 'pg_ctl', 'postgres']) fakeBin(join(root, '9', 'bin'), b, 'exit 0');
    fakeBin(join(root, '16', 'bin'), 'psql', 'exit 0'); // client only: not a server
    expect(findPostgresBin(root, '')).toBe(join(root, '15', 'bin'));
    expect(findPostgresBin(join(dir, 'absent'), '')).toBeNull();
  });
});
