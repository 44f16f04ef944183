#!/usr/bin/env node
// The `affiliate-etl` executable (package.json "bin"). Which code it runs:
// - an installed package or the Docker image ships dist/ and no src/: the compiled dist/cli.js,
//   with no TypeScript loader (`npm run build` writes it; `npm pack` builds first);
// - a git checkout has src/: the sources through tsx (a dev dependency), so an edit is live at
//   once and a dist/ left by an earlier build can never run stale code. Only when tsx is not
//   installed there (dependencies installed with --omit=dev) does a checkout fall back to dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
const compiled = new URL('../dist/cli.js', import.meta.url);

async function tsxLoader() {
  try {
    return await import('tsx/esm/api');
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

const tsx = existsSync(source) ? await tsxLoader() : null;
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write(
    existsSync(source)
      ? 'affiliate-etl: dist/cli.js is missing and tsx is not installed. In a checkout, run `npm install` (the sources then run through tsx) or `npm run build`.\n'
      : 'affiliate-etl: dist/cli.js is missing from this package: it was packed without `npm run build`.\n',
  );
  process.exitCode = 2;
}
