/**
 * Every reference to a document points at a file of this repository, and every anchor at a heading
 * (or an explicit `<a id>`) of that file. Run by hand or from the test command:
 *
 *   npx tsx scripts/check-doc-refs.ts          # exit 1 listing file:line, the reference and the fix
 *   npx tsx scripts/check-doc-refs.ts --map    # the replacement table for the old citation forms
 *   npx tsx scripts/check-doc-refs.ts --root DIR   # check another checkout
 *
 * Scanned: every file `git ls-files` lists (tracked, plus new files not ignored), except
 * node_modules, bench/results, the lock file and binary files. Found as references:
 *   - markdown links in .md files (`[text](target)`, relative to the file; `#anchor` alone = this file);
 *   - any file name ending in .md, with or without folders and an `#anchor`, anywhere: resolved
 *     against the file's own folder, then each folder above it up to the repository root. A name
 *     inside a join()/resolve() call is a path the code builds at run time, not a reference;
 *   - any `docs/...` path (a file or a folder of docs/ must exist);
 *   - mentions of documents that live outside the repository: the former design notes by name, the
 *     former API notes ("§N" citations of them) and the shared folder beside the repository.
 * Only what the repository holds counts: a path that exists on disk but is ignored by git does not.
 *
 * This file spells the outside names in pieces so that it does not trip its own check.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Finding {
  file: string;
  line: number;
  ref: string;
  problem: string;
  /** What to write instead, when known. */
  fix?: string;
}

const EXCLUDED_PREFIXES = ['node_modules/', 'bench/results/'];
const EXCLUDED_FILES = new Set(['package-lock.json']);
const BINARY_EXT = /\.(png|jpe?g|gif|ico|webp|wasm|gz|tgz|zip|pdf|woff2?|ttf|bin)$/i;

// ---------------------------------------------------------------------------------------------
// Where the old citations now point. The check validates these targets like any other reference.

/** Former API-notes section -> the file#anchor that now states the same facts. */
export const API_SECTION_MAP: Readonly<Record<string, string>> = {
  '0': 'docs/tiktok-api.md#sources',
  '1': 'docs/tiktok-api.md#common-parameters',
  '1.1': 'docs/tiktok-api.md#common-parameters',
  '1.2': 'docs/tiktok-api.md#token-types',
  '1.3': 'docs/tiktok-api.md#response-envelope',
  '1.4': 'docs/tiktok-api.md#pagination',
  '2': 'docs/tiktok-api.md#signing',
  '2.1': 'docs/tiktok-api.md#test-vectors',
  '3': 'docs/tiktok-api.md#tokens',
  '3.1': 'docs/tiktok-api.md#exchanging-an-auth-code',
  '3.2': 'docs/tiktok-api.md#refreshing',
  '3.3': 'docs/tiktok-api.md#token-response',
  '3.4': 'docs/tiktok-api.md#authorized-shops',
  '3.5': 'docs/tiktok-api.md#authorized-category-assets',
  '4': 'docs/tiktok-api.md#seller-orders',
  '4.1': 'docs/tiktok-api.md#seller-orders',
  '4.2': 'docs/tiktok-api.md#seller-orders',
  '5': 'docs/tiktok-api.md#creator-orders',
  '5.1': 'docs/tiktok-api.md#creator-orders',
  '5.2': 'docs/tiktok-api.md#creator-orders',
  '5.3': 'docs/tiktok-api.md#endpoints-not-synced',
  '6': 'docs/tiktok-api.md#open-collaboration-product-search',
  '6.1': 'docs/tiktok-api.md#open-collaboration-product-search',
  '6.2': 'docs/tiktok-api.md#endpoints-not-synced',
  '6.3': 'docs/tiktok-api.md#open-collaborations',
  '6.4': 'docs/tiktok-api.md#endpoints-not-synced',
  '7': 'docs/tiktok-api.md#target-collaborations',
  '7.1': 'docs/tiktok-api.md#endpoints-not-synced',
  '7.2': 'docs/tiktok-api.md#target-collaborations',
  '7.3': 'docs/tiktok-api.md#target-collaboration-detail',
  '8': 'docs/tiktok-api.md#partner-campaigns',
  '8.1': 'docs/tiktok-api.md#partner-campaigns',
  '8.2': 'docs/tiktok-api.md#campaign-detail',
  '8.3': 'docs/tiktok-api.md#campaign-products',
  '8.4': 'docs/tiktok-api.md#creator-fulfillment',
  '8.5': 'docs/tiktok-api.md#endpoints-not-synced',
  '8.6': 'docs/tiktok-api.md#endpoints-not-synced',
  '9': 'docs/tiktok-api.md#errors',
  '9.1': 'docs/tiktok-api.md#error-codes',
  '9.2': 'docs/tiktok-api.md#rate-limits',
  '9.3': 'docs/tiktok-api.md#page-sizes',
  '10': 'docs/tiktok-api.md#field-conventions',
  '11': 'docs/sandbox.md',
  '11.1': 'docs/sandbox.md',
  '11.2': 'docs/sandbox.md',
  '12': 'docs/tiktok-api.md#open-questions',
  '12.1': 'docs/tiktok-api.md#last-page-marker',
  '12.2': 'docs/tiktok-api.md#http-status-of-errors',
  '12.3': 'docs/tiktok-api.md#largest-create-time-range',
  '12.4': 'docs/tiktok-api.md#newer-seller-order-versions',
  '12.5': 'docs/tiktok-api.md#cipher-on-the-older-fulfillment-endpoints',
  '12.6': 'docs/tiktok-api.md#fulfillment-creator-ids-and-times',
  '12.7': 'docs/tiktok-api.md#refresh-grant-type',
  '12.8': 'docs/tiktok-api.md#refresh-token-lifetime',
  '12.9': 'docs/tiktok-api.md#rate-limit-keying-without-a-shop',
  '12.10': 'docs/tiktok-api.md#scope-keys',
  '12.11': 'docs/tiktok-api.md#optional-shop-cipher-on-the-product-search',
  '12.12': 'docs/tiktok-api.md#endpoints-not-synced',
  '12.13': 'docs/tiktok-api.md#code-of-a-stale-timestamp',
  '12.14': 'docs/tiktok-api.md#a-rotated-away-access-token',
  '12.15': 'docs/tiktok-api.md#signing-an-empty-body',
  '12.16': 'docs/tiktok-api.md#endpoint-versions-per-app',
};

interface DesignDoc {
  /** The name without ".md", upper case. */
  name: string;
  fallback: string;
  /** First topic whose pattern matches the text after the name decides the target. */
  topics: ReadonlyArray<readonly [RegExp, string]>;
}

const INVARIANT_ANCHORS: Readonly<Record<string, string>> = {
  '1': 'docs/architecture.md#invariant-1-idempotent-runs',
  '2': 'docs/architecture.md#invariant-2-kill-and-resume',
  '3': 'docs/architecture.md#invariant-3-rows-and-checkpoint-commit-together',
  '4': 'docs/architecture.md#invariant-4-one-sync-per-stream-at-a-time',
  '5': 'docs/architecture.md#invariant-5-one-rate-budget-per-key',
  '6': 'docs/architecture.md#invariant-6-bad-records-are-quarantined',
  '7': 'docs/architecture.md#invariant-7-no-secret-in-logs-or-errors',
  '8': 'docs/architecture.md#invariant-8-credentials-encrypted-refreshed-once',
};

/** Former coding guideline N -> its section of the contributor guide. */
export const GUIDELINE_MAP: Readonly<Record<string, string>> = {
  '1': 'CONTRIBUTING.md#lazy-page-iteration',
  '2': 'CONTRIBUTING.md#checkpoint-with-the-data',
  '3': 'CONTRIBUTING.md#typed-errors',
  '4': 'CONTRIBUTING.md#one-retry-layer-per-failure',
  '5': 'CONTRIBUTING.md#redact-at-the-source',
  '6': 'CONTRIBUTING.md#pure-normalizers',
  '7': 'CONTRIBUTING.md#validate-at-the-boundaries',
  '8': 'CONTRIBUTING.md#the-schema-is-the-source-of-truth',
  '9': 'CONTRIBUTING.md#one-statement-per-page',
  '10': 'CONTRIBUTING.md#thin-jobs',
  '11': 'CONTRIBUTING.md#dependencies-passed-in',
  '12': 'CONTRIBUTING.md#one-summary-line-per-run',
  '13': 'CONTRIBUTING.md#the-cli-runs-the-job-path',
  '14': 'CONTRIBUTING.md#test-tiers',
};

const DESIGN_DOCS: readonly DesignDoc[] = [
  {
    name: ['ARCHI', 'TECTURE'].join(''),
    fallback: 'docs/architecture.md',
    topics: [
      [/retry/i, 'docs/architecture.md#retry-layers'],
      [/windowed|safety lag|watermark/i, 'docs/architecture.md#windowed-streams'],
      [/snapshot|tombstone/i, 'docs/architecture.md#snapshot-streams'],
      [/backfill/i, 'docs/architecture.md#backfill'],
      [/observab|sync_runs|freshness/i, 'docs/architecture.md#observability'],
      [/jobs\s*-+>|import|layer/i, 'CONTRIBUTING.md#layer-rules'],
      [/stream/i, 'docs/architecture.md#streams'],
      [/invariants?\b/i, 'docs/architecture.md#invariants'],
    ],
  },
  {
    name: ['WARE', 'HOUSE'].join(''),
    fallback: 'docs/warehouse.md',
    topics: [
      [/convention|naming|money|bps/i, 'docs/warehouse.md#column-conventions'],
      [/comment/i, 'docs/warehouse.md#column-conventions'],
      [/views?\b/i, 'docs/warehouse.md#views'],
      [/sync_runs|etl\./i, 'docs/warehouse.md#pipeline-state'],
      [/schema|role|reader/i, 'docs/warehouse.md#schemas'],
      [/tables?\b|grain|line_key/i, 'docs/warehouse.md#tables'],
      [/open[ _]?id|keyed|owner/i, 'docs/warehouse.md#owners'],
    ],
  },
  {
    name: 'CLI',
    fallback: 'README.md#commands',
    topics: [
      [/ETL_|env|variable|tunable|config/i, 'README.md#configuration'],
      [/operator|rename|stable/i, 'CONTRIBUTING.md#stable-names'],
    ],
  },
  {
    name: ['ST', 'YLE'].join(''),
    fallback: 'CONTRIBUTING.md#conventions',
    topics: [],
  },
];

/** `after`: the text after the name (numbered items); `around`: a little on both sides (topics). */
function designFix(doc: DesignDoc, after: string, around: string): string {
  if (doc.name === DESIGN_DOCS[0]?.name) {
    const inv = /invariant\s*(\d)/i.exec(after);
    if (inv?.[1] && INVARIANT_ANCHORS[inv[1]]) return INVARIANT_ANCHORS[inv[1]] as string;
  }
  if (doc.name === DESIGN_DOCS[3]?.name) {
    const g = /guidelines?\s*(\d+)/i.exec(after);
    if (g?.[1] && GUIDELINE_MAP[g[1]]) return GUIDELINE_MAP[g[1]] as string;
  }
  for (const [re, target] of doc.topics) if (re.test(around)) return target;
  return doc.fallback;
}

// ---------------------------------------------------------------------------------------------
// Patterns.

const URL_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)\]>'"`]+/gi;
/** A file name ending in .md, with folders (also ./ and ../) and an optional anchor; not inside a longer path. */
const MD_PATH_RE =
  /(?<![\w./@$-])((?:\.{1,2}\/)*(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.md)(?![\w-])(?:#([\w-]+))?/g;
/** `docs/...` of any kind (the .md ones are also matched above; findings are de-duplicated). */
const DOCS_PATH_RE = /(?<![\w./@$-])(docs\/[\w./-]*[\w/-])(?:#([\w-]+))?/g;
/** The text before a match ends inside a join( or resolve( call: the name is built, not cited. */
const BUILT_PATH_RE = /\b(?:join|resolve)\([^)]*$/;
const MD_LINK_RE = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const SHARED_RE = /(?<![\w-])(?:\.\.\/)+shared\b[\w./-]*|(?<![\w./-])shared\/(?:api|design)\b[\w./-]*/g;
/** A citation may continue on the next comment line: blanks and comment markers may sit before the §. */
const API_NOTES_RE = /\bapi[ ]doc\b(?:(?:\s|\/\/|\*)*§\s*([0-9]+(?:\.[0-9]+)*))?/gi;
const DESIGN_WORD_RE = new RegExp(`\\b(${DESIGN_DOCS.map((d) => d.name).join('|')})(\\.md)?\\b`, 'g');

// ---------------------------------------------------------------------------------------------
// Anchors.

/** GitHub's heading slug: lower case, punctuation dropped (hyphen and underscore kept), spaces -> '-'. */
export function slugify(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Anchors of a markdown text: heading slugs (duplicates get -1, -2 ...) and explicit ids. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const counts = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f?.[1]) {
      if (fence === null) fence = f[1][0] as string;
      else if (f[1][0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h?.[1] !== undefined) {
      const base = slugify(h[1]);
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/\b(?:id|name)\s*=\s*["']([^"']+)["']/g)) if (m[1]) out.add(m[1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The repository as the check sees it.

export interface Repo {
  root: string;
  /** Posix paths relative to root. */
  files: Set<string>;
  dirs: Set<string>;
}

export function listRepo(root: string): Repo {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = new Set<string>();
  const dirs = new Set<string>(['']);
  for (const f of out.split('\0')) {
    if (!f || !existsSync(join(root, f))) continue;
    files.add(f);
    for (let d = posix.dirname(f); d !== '.' && !dirs.has(d); d = posix.dirname(d)) dirs.add(d);
  }
  return { root, files, dirs };
}

function scanned(file: string): boolean {
  if (EXCLUDED_FILES.has(file) || BINARY_EXT.test(file)) return false;
  return !EXCLUDED_PREFIXES.some((p) => file.startsWith(p) || file.includes(`/${p}`));
}

/** `target` resolved from `fromDir` (posix, repo-relative), or null when it leaves the repository. */
function joinRepo(fromDir: string, target: string): string | null {
  const joined = posix.normalize(posix.join(fromDir, target)).replace(/\/$/, '');
  if (joined === '..' || joined.startsWith('../')) return null;
  return joined === '.' ? '' : joined;
}

// ---------------------------------------------------------------------------------------------
// The check.

export function checkDocRefs(root: string, repo: Repo = listRepo(root)): Finding[] {
  const findings: Finding[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsFor = (file: string): Set<string> => {
    let a = anchorCache.get(file);
    if (!a) {
      a = anchorsOf(readFileSync(join(root, file), 'utf8'));
      anchorCache.set(file, a);
    }
    return a;
  };
  const exists = (p: string | null): p is string => p !== null && (repo.files.has(p) || repo.dirs.has(p));

  /** Bare references: the file's folder, then every folder above it. */
  const resolveUpward = (fromDir: string, target: string): string | null => {
    if (target.startsWith('./') || target.startsWith('../')) {
      const p = joinRepo(fromDir, target);
      return exists(p) ? p : null;
    }
    for (let dir = fromDir; ; dir = dir === '' ? '' : posix.dirname(dir) === '.' ? '' : posix.dirname(dir)) {
      const p = joinRepo(dir, target);
      if (exists(p)) return p;
      if (dir === '') return null;
    }
  };

  for (const file of [...repo.files].sort()) {
    if (!scanned(file)) continue;
    const text = readFileSync(join(root, file), 'utf8');
    if (text.includes('\0')) continue;
    const isMarkdown = file.endsWith('.md');
    const fromDir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    const seen = new Set<string>();
    const report = (line: number, ref: string, problem: string, fix?: string) => {
      const key = `${line}\0${ref}`;
      if (seen.has(key)) return;
      seen.add(key);
      findings.push({ file, line, ref, problem, ...(fix ? { fix } : {}) });
    };
    const checkAnchor = (line: number, ref: string, target: string, anchor: string | undefined) => {
      if (!anchor || !target.endsWith('.md') || !repo.files.has(target)) return;
      const anchors = anchorsFor(target);
      if (anchors.has(anchor)) return;
      const near = [...anchors].filter((a) => anchor.split('-').some((w) => w.length > 3 && a.includes(w)));
      report(
        line,
        ref,
        `no heading or id "${anchor}" in ${target}`,
        near.length > 0 ? `${target}#${near.slice(0, 4).join(` or #`)}` : undefined,
      );
    };

    // Whole-text patterns (a citation may be split over two lines).
    const lineAt = lineIndex(text);
    for (const m of text.matchAll(API_NOTES_RE)) {
      const section = m[1];
      const fix = section
        ? (API_SECTION_MAP[section] ?? API_SECTION_MAP[section.split('.')[0] ?? ''])
        : undefined;
      report(
        lineAt(m.index),
        m[0].replace(/\s+/g, ' '),
        'cites the former API notes, which are not in the repository',
        fix ?? 'docs/tiktok-api.md',
      );
    }

    const lines = text.split('\n');
    for (const [i, raw] of lines.entries()) {
      const n = i + 1;
      const line = raw.replace(URL_RE, (u) => ' '.repeat(u.length));

      for (const m of line.matchAll(SHARED_RE)) {
        report(
          n,
          m[0],
          'points at the shared folder outside the repository',
          'docs/tiktok-api.md for API facts, test/fixtures for the recorded examples',
        );
      }
      for (const m of line.matchAll(DESIGN_WORD_RE)) {
        const name = m[1] as string;
        const doc = DESIGN_DOCS.find((d) => d.name === name);
        if (!doc) continue;
        const ref = m[0];
        // CLI is an ordinary word; only the file name is a reference.
        if (name === 'CLI' && !m[2]) continue;
        if (resolveUpward(fromDir, `${name}.md`) !== null) continue;
        const at = m.index ?? 0;
        const around =
          line.slice(Math.max(0, at - 30), at) + line.slice(at + ref.length, at + ref.length + 60);
        const after = line.slice(at + ref.length, at + ref.length + 60);
        report(
          n,
          ref,
          'names a design document that is not in the repository',
          designFix(doc, after, around),
        );
      }
      for (const m of line.matchAll(MD_PATH_RE)) {
        const target = m[1] as string;
        if (BUILT_PATH_RE.test(line.slice(0, m.index))) continue;
        if (DESIGN_DOCS.some((d) => target === `${d.name}.md`)) continue; // reported above
        const resolved = resolveUpward(fromDir, target);
        const ref = m[0];
        if (resolved === null) report(n, ref, `no file ${target} in the repository`);
        else checkAnchor(n, ref, resolved, m[2]);
      }
      for (const m of line.matchAll(DOCS_PATH_RE)) {
        const target = (m[1] as string).replace(/\/$/, '');
        const ref = m[0];
        if (!exists(target)) report(n, ref, `no file or folder ${target} in the repository`);
        else checkAnchor(n, ref, target, m[2]);
      }
      if (!isMarkdown) continue;
      for (const m of line.matchAll(MD_LINK_RE)) {
        const href = m[1] as string;
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:
        const [pathPart = '', anchor] = href.split('#', 2);
        const target = pathPart === '' ? file : joinRepo(pathPart.startsWith('/') ? '' : fromDir, pathPart);
        if (!exists(target)) {
          report(n, href, `link to ${pathPart}, which is not in the repository`);
          continue;
        }
        checkAnchor(n, href, target, anchor);
      }
    }
  }
  return findings;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.map(
    (f) => `${f.file}:${f.line}: ${f.ref}: ${f.problem}${f.fix ? ` -> ${f.fix}` : ''}`,
  );
  const files = new Set(findings.map((f) => f.file)).size;
  lines.push(
    `\n${findings.length} dangling document reference(s) in ${files} file(s). Point each at a file of ` +
      'the repository (docs/, README.md, CONTRIBUTING.md) or state the fact in place.',
  );
  return lines.join('\n');
}

/** The replacement table of the old citation forms, as markdown. */
export function mappingTable(): string {
  const rows = ['| former citation | now |', '|---|---|'];
  for (const [section, target] of Object.entries(API_SECTION_MAP))
    rows.push(`| API notes §${section} | ${target} |`);
  for (const [n, target] of Object.entries(INVARIANT_ANCHORS))
    rows.push(`| architecture invariant ${n} | ${target} |`);
  for (const doc of DESIGN_DOCS) {
    for (const [re, target] of doc.topics)
      rows.push(`| ${doc.name.toLowerCase()} + /${re.source}/ | ${target} |`);
    rows.push(`| ${doc.name.toLowerCase()} (other) | ${doc.fallback} |`);
  }
  for (const [n, target] of Object.entries(GUIDELINE_MAP)) rows.push(`| coding guideline ${n} | ${target} |`);
  return rows.join('\n');
}

/** `--root DIR` checks another checkout (the tests use fixture repositories). */
export function main(argv: readonly string[]): number {
  const at = argv.indexOf('--root');
  const root = (at >= 0 ? argv[at + 1] : undefined) ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  if (argv.includes('--map')) {
    console.log(mappingTable());
    return 0;
  }
  const started = performance.now();
  const findings = checkDocRefs(root);
  const ms = Math.round(performance.now() - started);
  if (findings.length === 0) {
    console.log(`document references: all resolve (${ms} ms)`);
    return 0;
  }
  console.error(formatFindings(findings));
  return 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.slice(2));
