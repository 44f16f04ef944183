/**
 * The quick start's closing output (src/cli/commands/quickstart/final-report.ts): the headline tells success
 * from failure, the psql hint is pasteable for the quick start's own services, and an operator's
 * URL or key is referred to by its variable, never printed.
 */
import { describe, expect, it } from 'vitest';
import { describeConnections } from '../../../src/cli/commands/quickstart/connections.ts';
import {
  type FinalReportInput,
  renderFinalReport,
} from '../../../src/cli/commands/quickstart/final-report.ts';
import { describeSyncs } from '../../../src/cli/commands/quickstart/sync.ts';
import type { RunSummary } from '../../../src/jobs/index.ts';

function run(over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 1,
    connectionId: 1,
    stream: 'seller_affiliate_orders',
    trigger: 'cli',
    status: 'succeeded',
    windows: 3,
    durationMs: 1_200,
    errorClass: null,
    errorMessage: null,
    pages: 4,
    apiCalls: 4,
    rowsInserted: 300,
    rowsUpdated: 2,
    rowsUnchanged: 10,
    rowsRejected: 0,
    rowsRemoved: 0,
    throttledMs: 0,
    ...over,
  };
}

function input(over: Partial<FinalReportInput> = {}): FinalReportInput {
  return {
    cli: { plain: true, env: {} },
    services: { source: { postgres: 'local', redis: 'local' } },
    config: {
      databaseUrl: 'postgres://postgres@127.0.0.1:41000/affiliate_etl',
      redisUrl: 'redis://127.0.0.1:41001',
    },
    sandbox: { url: 'http://127.0.0.1:41002', authUrl: 'http://127.0.0.1:41002' },
    summaries: [run(), run({ stream: 'open_collaborations', rowsInserted: 0, rowsUnchanged: 80 })],
    loaded: 'Rows per table (380 in all)\n',
    ...over,
  };
}

describe('renderFinalReport', () => {
  it('reports success, the runs, what was loaded and a pasteable psql line for local services', () => {
    const text = renderFinalReport(input(), { keepRunning: false, tookMs: 65_000 });
    expect(text).toContain(
      'Quick start complete in 1m 5s: 2 of 2 syncs succeeded: 300 rows inserted, 4 updated, 90 unchanged, 0 rejected.',
    );
    expect(text).toContain('| open_collaborations');
    expect(text).toContain('Rows per table (380 in all)');
    expect(text).toContain('psql "postgres://postgres@127.0.0.1:41000/affiliate_etl" -c "select * from');
    expect(text).toContain('stopped now; the data stays in .tmp/quickstart/');
    expect(text).toContain('npm run quickstart -- --keep-running');
    expect(text).toContain('local services get a free port each time');
  });

  it('says plainly when a sync failed', () => {
    const text = renderFinalReport(
      input({
        summaries: [run(), run({ status: 'failed', errorClass: 'AuthError', errorMessage: 'code 105001' })],
      }),
      { keepRunning: false, tookMs: 1_000 },
    );
    expect(text).toContain('Quick start finished WITH FAILED SYNCS');
    expect(text).toContain('1 of 2 syncs succeeded');
    expect(text).toContain('Problems:');
  });

  it('keeps an operator URL and key out of the output, by variable', () => {
    const text = renderFinalReport(
      input({
        cli: { plain: true, env: { ETL_ENCRYPTION_KEY: 'k'.repeat(44) } },
        services: { source: { postgres: 'env', redis: 'env' } },
        config: {
          databaseUrl: 'postgres://etl:hunter2secret@db.internal:5432/warehouse',
          redisUrl: 'redis://:redispass99@cache.internal:6379',
        },
      }),
      { keepRunning: true, tookMs: 1_000 },
    );
    expect(text).not.toMatch(/hunter2secret|redispass99|db\.internal|k{44}/);
    expect(text).toContain('psql "$DATABASE_URL"');
    expect(text).toContain('export DATABASE_URL="$DATABASE_URL" REDIS_URL="$REDIS_URL"');
    expect(text).toContain('export ETL_ENCRYPTION_KEY="$ETL_ENCRYPTION_KEY"  # the key you set');
  });

  it('with --keep-running, tells how to use the other commands against the running services', () => {
    const text = renderFinalReport(input(), { keepRunning: true, tookMs: 1_000 });
    expect(text).toContain('keep running until you press Ctrl-C');
    expect(text).toContain('export TIKTOK_API_BASE_URL="http://127.0.0.1:41002"');
    expect(text).toContain('export ETL_ENCRYPTION_KEY="$(cat .tmp/quickstart/encryption.key)"');
    expect(text).toContain('npx affiliate-etl status');
    expect(text).not.toContain('stopped now');
  });
});

describe('step details', () => {
  it('count connections by kind and how they were obtained', () => {
    expect(
      describeConnections([
        { id: 1, kind: 'seller', name: 'a', added: true },
        { id: 2, kind: 'seller', name: 'b', added: false },
        { id: 3, kind: 'partner', name: 'c', added: false },
      ]),
    ).toBe('3 connections: 2 seller, 1 partner (1 added, 2 reused with fresh tokens)');
  });

  it('sum the rows of every run', () => {
    expect(describeSyncs([run({ rowsInserted: 1_500 }), run({ status: 'failed', rowsRejected: 2 })])).toBe(
      '1 of 2 syncs succeeded: 1,800 rows inserted, 4 updated, 20 unchanged, 2 rejected',
    );
  });
});
