/**
 * Layer rules of CONTRIBUTING.md#layer-rules: jobs -> extract -> tiktok, jobs -> transform, jobs -> load.
 * transform does no I/O; tiktok knows nothing of Postgres or BullMQ; load knows nothing of HTTP;
 * nothing in the pipeline imports the sandbox (it is met only over HTTP). Cycles are bugs.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'pipeline-never-imports-sandbox',
      severity: 'error',
      from: { path: '^src/(tiktok|extract|transform|load|jobs)/' },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'sandbox-is-standalone',
      comment: 'The simulator shares only pure helpers (signing) with the pipeline.',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/(extract|transform|load|jobs)/' },
    },
    {
      name: 'transform-is-pure',
      severity: 'error',
      from: { path: '^src/transform/' },
      to: { path: '^src/(tiktok|extract|load|jobs|services|sandbox)/|^(node:)?(fs|net|http|https|child_process)$|^(postgres|ioredis|bullmq|drizzle-orm)' },
    },
    {
      name: 'tiktok-knows-no-db-or-queue',
      severity: 'error',
      from: { path: '^src/tiktok/' },
      to: { path: '^src/(extract|transform|load|jobs)/|^(postgres|bullmq|drizzle-orm)' },
    },
    {
      name: 'load-knows-no-http',
      severity: 'error',
      from: { path: '^src/load/' },
      to: { path: '^src/(tiktok|extract|jobs)/|^(undici|node:http|node:https)$' },
    },
    {
      name: 'extract-not-into-load-or-jobs',
      severity: 'error',
      from: { path: '^src/extract/' },
      to: { path: '^src/(load|jobs)/' },
    },
    {
      // One folder per command; what several commands use lives in src/cli/common.
      name: 'cli-command-folders-stay-apart',
      severity: 'error',
      from: { path: '^src/cli/commands/([^/]+)/' },
      to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1/' },
    },
    {
      name: 'cli-common-knows-no-command',
      severity: 'error',
      from: { path: '^src/cli/common/' },
      to: { path: '^src/cli/commands/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
