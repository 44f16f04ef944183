/**
 * The quick start's closing output: the runs, what was loaded (rows per table, freshness, example
 * queries, prepared by ./report.ts), how to connect with psql, and how to go on. It never prints a
 * key or an operator's password: those are referred to by their file or variable (shownUrl).
 */
import type { RunSummary } from '../../../jobs/index.ts';
import { readerLoginSql } from '../../../load/reader-login.ts';
import type { ServiceSource } from '../../../services/index.ts';
import { renderRunSummaries } from '../../common/run-summaries.ts';
import { formatDurationMs } from '../../common/format.ts';
import { describeSyncs } from './sync.ts';

export interface FinalReportInput {
  cli: { plain: boolean; env: Record<string, string | undefined> };
  services?: { source: { postgres: ServiceSource | null; redis: ServiceSource | null } };
  config?: { databaseUrl: string; redisUrl: string };
  sandbox?: {
    url: string;
    authUrl: string;
    /** The simulator's test app and accounts: printed with --keep-running, for `connections add`. */
    app?: { appKey: string; appSecret: string; serviceId: string };
    accounts?: readonly { kind: string; openId: string; authCode: string }[];
    redirectUrl?: string;
  };
  /** Postgres and Redis belong to another quick start running here: their URLs are shown whole. */
  reusedServices?: boolean;
  summaries?: readonly RunSummary[];
  loaded?: string;
}

export function renderFinalReport(
  s: FinalReportInput,
  opts: { keepRunning: boolean; tookMs: number },
): string {
  const summaries = s.summaries ?? [];
  const ok = summaries.length > 0 && summaries.every((r) => r.status === 'succeeded');
  const dbUrl = shownUrl(s, 'postgres');
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
    '  Freshness per shop / creator: select * from tiktok_affiliate.owner_freshness',
    'Read-only login for analysts (once, as a user allowed to create roles; it reads tiktok_affiliate, nothing of etl)',
    `  psql "${dbUrl}" -c "${readerLoginSql('analyst')}"`,
    '  then connect as user analyst with that password (docs/warehouse.md, "Logging in read-only")',
    '',
    ...nextSteps(s, opts.keepRunning, dbUrl),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * A URL to print. The quick start's own services have no password (local) or the fixed development
 * one of docker-compose.yml, so they are shown whole, ready to paste; a URL from the environment is
 * the operator's and may hold a real password, so it is referred to by its variable.
 */
function shownUrl(s: FinalReportInput, service: 'postgres' | 'redis'): string {
  const url = service === 'postgres' ? s.config?.databaseUrl : s.config?.redisUrl;
  if (s.services?.source[service] === 'env' && !s.reusedServices)
    return service === 'postgres' ? '$DATABASE_URL' : '$REDIS_URL';
  return url ?? '-';
}

/** How the psql URL can be reached again once the quick start has stopped its services. */
const REACH_AGAIN: Record<ServiceSource, string> = {
  env: '',
  local: '(the psql URL above is valid while it runs: local services get a free port each time).',
  docker: '(with Docker, `docker compose up -d postgres redis` brings them back at the same URL).',
};

function nextSteps(s: FinalReportInput, keepRunning: boolean, dbUrl: string): string[] {
  const pgFromEnv = s.services?.source.postgres === 'env';
  const reach = REACH_AGAIN[s.services?.source.postgres ?? 'env'];
  const key = s.cli.env.ETL_ENCRYPTION_KEY?.trim()
    ? '"$ETL_ENCRYPTION_KEY"  # the key you set'
    : '"$(cat .tmp/quickstart/encryption.key)"';
  if (keepRunning) {
    return [
      'Postgres, Redis and the sandbox keep running until you press Ctrl-C. In another terminal, the',
      'other commands work against them:',
      `  export DATABASE_URL="${dbUrl}" REDIS_URL="${shownUrl(s, 'redis')}"`,
      `  export TIKTOK_API_BASE_URL="${s.sandbox?.url ?? ''}" TIKTOK_AUTH_BASE_URL="${s.sandbox?.authUrl ?? ''}"`,
      `  export ETL_ENCRYPTION_KEY=${key}`,
      ...sandboxCredentials(s),
      '  npx affiliate-etl status',
      '  npx affiliate-etl sync --stream seller_affiliate_orders',
      '',
      ...sandboxAccounts(s),
    ];
  }
  return [
    pgFromEnv
      ? 'The sandbox is stopped; Postgres is yours (DATABASE_URL), so psql works right away.'
      : 'The sandbox and the services started here are stopped now; the data stays in .tmp/quickstart/.',
    'Start again with `npm run quickstart` (it reuses the data and the connections, and syncs only what',
    'changed), or keep everything up to explore: `npm run quickstart -- --keep-running`',
    ...(reach ? [reach] : []),
    '',
  ];
}

/**
 * The sandbox's test app, as `connections add` and `connections authorize` read it. These are the
 * simulator's made-up credentials (the `sandbox` command prints them too), not an operator's.
 */
function sandboxCredentials(s: FinalReportInput): string[] {
  const app = s.sandbox?.app;
  if (!app) return [];
  return [
    `  export TIKTOK_APP_KEY="${app.appKey}" TIKTOK_APP_SECRET="${app.appSecret}" TIKTOK_SERVICE_ID="${app.serviceId}"`,
  ];
}

function sandboxAccounts(s: FinalReportInput): string[] {
  const accounts = s.sandbox?.accounts ?? [];
  if (accounts.length === 0) return [];
  return [
    'Sandbox accounts (test credentials; an auth code is single use and valid 30 minutes):',
    ...accounts.map((a) => `  ${a.kind.padEnd(8)} open_id ${a.openId}  auth code ${a.authCode}`),
    'Add one again with `npx affiliate-etl connections add seller --auth-code CODE`, or walk the consent',
    `flow with \`npx affiliate-etl connections authorize seller\` (its redirect: ${s.sandbox?.redirectUrl ?? 'http://localhost:8000/'}).`,
    '',
  ];
}
