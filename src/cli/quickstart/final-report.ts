/**
 * The quick start's closing output: the runs, what was loaded (rows per table, freshness, example
 * queries, prepared by ./report.ts), how to connect with psql, and how to go on. It prints URLs with
 * the password masked and never a key: the encryption key is referred to by its file.
 */
import { maskUrlPassword } from '../../config.ts';
import type { RunSummary } from '../../jobs/index.ts';
import type { ServiceSource } from '../../services/index.ts';
import { renderRunSummaries } from '../render/run-summaries.ts';
import { formatDurationMs } from '../ui/format.ts';
import { describeSyncs } from './sync.ts';

export interface FinalReportInput {
  cli: { plain: boolean; env: Record<string, string | undefined> };
  services?: { source: { postgres: ServiceSource | null; redis: ServiceSource | null } };
  config?: { databaseUrl: string; redisUrl: string };
  sandbox?: { url: string; authUrl: string };
  summaries?: readonly RunSummary[];
  loaded?: string;
}

export function renderFinalReport(
  s: FinalReportInput,
  opts: { keepRunning: boolean; tookMs: number },
): string {
  const summaries = s.summaries ?? [];
  const ok = summaries.length > 0 && summaries.every((r) => r.status === 'succeeded');
  const dbUrl = maskUrlPassword(s.config?.databaseUrl) ?? '-';
  const lines = [
    '',
    `Quick start ${ok ? 'complete' : 'finished WITH FAILED SYNCS'} in ${formatDurationMs(opts.tookMs)}: ${describeSyncs(summaries)}.`,
    '',
    'Runs (etl.sync_runs)',
    renderRunSummaries(summaries, s.cli.plain),
    s.loaded ?? '',
    'Connect with psql',
    `  psql "${dbUrl}"`,
    `  psql "${dbUrl}" -c "select * from tiktok_affiliate.stream_freshness"`,
    '  Tables and views: \\dt tiktok_affiliate.*  and  \\dv tiktok_affiliate.*  (columns documented in docs/data-dictionary.md)',
    '',
    ...nextSteps(s, opts.keepRunning, dbUrl),
  ];
  return `${lines.join('\n')}\n`;
}

function nextSteps(s: FinalReportInput, keepRunning: boolean, dbUrl: string): string[] {
  const pgFromEnv = s.services?.source.postgres === 'env';
  const key = s.cli.env.ETL_ENCRYPTION_KEY?.trim()
    ? '"$ETL_ENCRYPTION_KEY" (yours)'
    : '"$(cat .tmp/quickstart/encryption.key)"';
  if (keepRunning) {
    return [
      'Postgres, Redis and the sandbox keep running until you press Ctrl-C. In another terminal, the',
      'other commands work against them:',
      `  export DATABASE_URL="${dbUrl}" REDIS_URL="${s.config?.redisUrl ?? ''}"`,
      `  export TIKTOK_API_BASE_URL="${s.sandbox?.url ?? ''}" TIKTOK_AUTH_BASE_URL="${s.sandbox?.authUrl ?? ''}"`,
      `  export ETL_ENCRYPTION_KEY=${key}`,
      '  npx affiliate-etl status',
      '  npx affiliate-etl sync --stream seller_affiliate_orders',
      '',
    ];
  }
  return [
    pgFromEnv
      ? 'The sandbox is stopped; Postgres is yours (DATABASE_URL), so psql works right away.'
      : 'The sandbox and the services started here are stopped now; the data stays in .tmp/quickstart/.',
    'Start again with `npm run quickstart` (it reuses the data and the connections, and syncs only what',
    'changed), or keep everything up to explore: `npm run quickstart -- --keep-running`',
    pgFromEnv ? '' : '(the psql URL above is valid while it runs: local services get a free port each time).',
    '',
  ];
}
