/**
 * scripts/check-doc-refs.ts on small fixture repositories: each kind of dangling reference is caught
 * with its file, line and the replacement, and a clean tree passes. The names of documents that live
 * outside the repository are assembled from pieces here, so this file does not trip the check itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { anchorsOf, checkDocRefs, type Finding, main, slugify } from '../../../scripts/check-doc-refs.ts';

const md = (name: string) => `${name}.md`;
const DOCS = ['do', 'cs'].join('');
const API_NOTES = ['api', 'doc'].join(' ');
const SHARED = ['..', 'shared', 'api'].join('/');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** A git repository holding `files` (untracked files count, ignored ones do not). */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'doc-refs-'));
  dirs.push(root);
  execFileSync('git', ['init', '-q'], { cwd: root });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const GUIDE = ['# Guide', '', '## Page sizes', '', 'text', '', '<a id="custom-spot"></a>', ''].join('\n');

/** A tree where every reference resolves. */
function cleanFiles(): Record<string, string> {
  return {
    'README.md': `# Project\n\nSee [the guide](${DOCS}/guide.md#page-sizes) and [below](#project).\n`,
    [`${DOCS}/guide.md`]: `${GUIDE}\nBack to [the readme](../${md('README')}), [a spot](#custom-spot).\n`,
    'src/a.ts': `// Bounds: ${DOCS}/guide.md#page-sizes; layout in README.md; folder ${DOCS}/.\n`,
    'src/b.ts': `const out = join(dir, '${md('generated')}');\n`,
    [`src/nested/${md('README')}`]: '# Nested\n',
    'src/nested/c.ts': `// see README.md beside this file, and the root one: ../../${md('README')}\n`,
  };
}

function only(findings: Finding[], file: string): Finding[] {
  return findings.filter((f) => f.file === file);
}

describe('checkDocRefs on fixture repositories', () => {
  it('passes a tree whose every reference resolves (files, folders, anchors, explicit ids, built paths)', () => {
    expect(checkDocRefs(repo(cleanFiles()))).toEqual([]);
  });

  it('catches a markdown link to a missing file, with file and line', () => {
    const root = repo({ ...cleanFiles(), 'README.md': `# P\n\nline\n[x](${DOCS}/missing.md)\n` });
    const [f, ...rest] = checkDocRefs(root);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ file: 'README.md', line: 4, ref: `${DOCS}/missing.md` });
  });

  it('catches an anchor that no heading or id of the target defines, and suggests the near ones', () => {
    const root = repo({ ...cleanFiles(), 'src/a.ts': `// ${DOCS}/guide.md#page-size-rules\n` });
    const found = checkDocRefs(root);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      file: 'src/a.ts',
      line: 1,
      problem: `no heading or id "page-size-rules" in ${DOCS}/guide.md`,
      fix: `${DOCS}/guide.md#page-sizes`,
    });
  });

  it('catches an anchor-only link to a missing heading of the same file', () => {
    const root = repo({ ...cleanFiles(), 'README.md': '# P\n\n[up](#nowhere)\n' });
    expect(checkDocRefs(root)).toMatchObject([{ file: 'README.md', line: 3, ref: '#nowhere' }]);
  });

  it('catches a bare .md name that resolves nowhere from the citing folder up to the root', () => {
    const root = repo({ ...cleanFiles(), 'src/nested/d.ts': `// see ${md('DESIGN-NOTES')} for why\n` });
    expect(only(checkDocRefs(root), 'src/nested/d.ts')).toMatchObject([
      { line: 1, ref: md('DESIGN-NOTES'), problem: `no file ${md('DESIGN-NOTES')} in the repository` },
    ]);
  });

  it(`catches a ${DOCS}/ path to a file that is not there`, () => {
    const root = repo({ ...cleanFiles(), 'src/e.ts': `\n// schema in ${DOCS}/schema.sql\n` });
    expect(checkDocRefs(root)).toMatchObject([{ file: 'src/e.ts', line: 2, ref: `${DOCS}/schema.sql` }]);
  });

  it('counts only what git holds: an ignored file on disk is not a target', () => {
    const root = repo({
      ...cleanFiles(),
      '.gitignore': 'notes/\n',
      [`notes/${md('x')}`]: '# x\n',
      'src/f.ts': `// notes/${md('x')}\n`,
    });
    expect(checkDocRefs(root)).toMatchObject([{ file: 'src/f.ts', ref: `notes/${md('x')}` }]);
  });

  it('names the former design notes with the section that replaces them', () => {
    const root = repo({
      ...cleanFiles(),
      'src/g.ts': [
        `// (${md('ST' + 'YLE')} guideline 3)`,
        `// ${md('ARCHI' + 'TECTURE')} invariant 6: quarantine`,
        `// ${md('WARE' + 'HOUSE')} column conventions`,
        `// ${md('CLI')} exit codes; the CLI itself is a plain word`,
        `// ${'ST' + 'YLE'} guideline 14`,
      ].join('\n'),
    });
    const fixes = only(checkDocRefs(root), 'src/g.ts').map((f) => [f.line, f.fix]);
    expect(fixes).toEqual([
      [1, 'CONTRIBUTING.md#typed-errors'],
      [2, 'docs/architecture.md#invariant-6-bad-records-are-quarantined'],
      [3, 'docs/warehouse.md#column-conventions'],
      [4, 'README.md#commands'],
      [5, 'CONTRIBUTING.md#test-tiers'],
    ]);
  });

  it('accepts a design name once such a file is in the repository', () => {
    const name = md('ST' + 'YLE');
    const root = repo({ ...cleanFiles(), [name]: '# Style\n', 'src/h.ts': `// ${name} guideline 3\n` });
    expect(checkDocRefs(root)).toEqual([]);
  });

  it('catches citations of the former API notes, also split over two lines, with their new anchor', () => {
    const root = repo({
      ...cleanFiles(),
      'src/i.ts': `// pages (${API_NOTES} §1.4)\n// limits (${API_NOTES}\n// §9.2) and (${API_NOTES} sections)\n`,
    });
    expect(only(checkDocRefs(root), 'src/i.ts').map((f) => [f.line, f.fix])).toEqual([
      [1, 'docs/tiktok-api.md#pagination'],
      [2, 'docs/tiktok-api.md#rate-limits'],
      [3, 'docs/tiktok-api.md'],
    ]);
  });

  it('catches paths into the shared folder outside the repository', () => {
    const root = repo({ ...cleanFiles(), 'src/j.ts': `// facts: ${SHARED}/x.md\n` });
    const found = only(checkDocRefs(root), 'src/j.ts');
    expect(found).toHaveLength(1);
    expect(found[0]?.problem).toBe('points at the shared folder outside the repository');
  });

  it('leaves URLs, the lock file and node_modules alone', () => {
    const root = repo({
      ...cleanFiles(),
      'src/k.ts': `// https://example.com/${DOCS}/missing.md and https://x.org/${md('NOPE')}\n`,
      'package-lock.json': `{"x": "${md('NOPE')}"}\n`,
      'node_modules/p/index.js': `// ${md('NOPE')}\n`,
    });
    expect(checkDocRefs(root)).toEqual([]);
  });
});

describe('main', () => {
  it('exits 1 listing file:line, the reference and the fix; 0 on a clean tree', () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: string) => errors.push(s));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const dirty = repo({ ...cleanFiles(), 'src/l.ts': `// (${API_NOTES} §2)\n` });
    expect(main(['--root', dirty])).toBe(1);
    expect(errors.join('\n')).toContain(
      `src/l.ts:1: ${API_NOTES} §2: cites the former API notes, which are not in the repository -> docs/tiktok-api.md#signing`,
    );
    expect(errors.join('\n')).toContain('1 dangling document reference(s) in 1 file(s).');
    expect(main(['--root', repo(cleanFiles())])).toBe(0);
  });
});

describe('anchors', () => {
  it('follow GitHub slugs: punctuation dropped, spaces to hyphens, duplicates numbered', () => {
    expect(slugify('10. For analysts')).toBe('10-for-analysts');
    expect(slugify('`terminal_page_token`: how does the last page say "no more"?')).toBe(
      'terminal_page_token-how-does-the-last-page-say-no-more',
    );
    const a = anchorsOf('# A\n## Tests\n```\n# not a heading\n```\n## Tests\n<a id="x-y"></a>\n');
    expect([...a].sort()).toEqual(['a', 'tests', 'tests-1', 'x-y']);
  });
});

describe('this repository', () => {
  it("the new documents, the contributor guide and the check's own replacement targets all resolve", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
    const mine = [
      'CONTRIBUTING.md',
      'docs/architecture.md',
      'docs/warehouse.md',
      'docs/tiktok-api.md',
      'scripts/check-doc-refs.ts',
      'test/unit/docs/doc-refs.test.ts',
    ];
    expect(checkDocRefs(root).filter((f) => mine.includes(f.file))).toEqual([]);
  });
});
