#!/usr/bin/env node
// The `affiliate-etl` executable (package.json "bin"). The project runs its TypeScript directly:
// tsx's ESM loader is registered in this process, then the real entry, src/cli.ts, is imported.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli.ts', import.meta.url).href);
