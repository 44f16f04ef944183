import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_OUT, main, renderDataDictionary } from '../../../scripts/gen-data-dictionary.ts';
import { allDocs, views } from '../../../src/load/schema/index.ts';

describe('docs/data-dictionary.md', () => {
  it('is up to date with the schema (run `npm run docs:dictionary` when this fails)', () => {
    expect(readFileSync(DEFAULT_OUT, 'utf8')).toBe(renderDataDictionary());
  });

  it('lists every documented relation and every column comment', () => {
    const text = renderDataDictionary();
    for (const doc of allDocs) {
      expect(text).toContain(`### ${doc.schema}.${doc.name}`);
      for (const column of Object.keys(doc.columns)) expect(text).toContain(`| \`${column}\` |`);
    }
    for (const v of views) expect(text).toContain(v.sql);
  });

  it('is deterministic', () => {
    expect(renderDataDictionary()).toBe(renderDataDictionary());
  });
});

describe('gen-data-dictionary --check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dictionary-'));
  const quiet = () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
  };

  it('exits 1 on a stale or missing file, 0 once regenerated', () => {
    quiet();
    const out = join(dir, 'dd.md');
    expect(main(['--check', '--out', out])).toBe(1);
    writeFileSync(out, `${renderDataDictionary()}\nhand edit\n`);
    expect(main(['--check', '--out', out])).toBe(1);
    expect(main(['--out', out])).toBe(0);
    expect(main(['--check', '--out', out])).toBe(0);
    vi.restoreAllMocks();
  });

  it('exits 2 on bad usage', () => {
    quiet();
    expect(main(['--out'])).toBe(2);
    vi.restoreAllMocks();
  });
});
