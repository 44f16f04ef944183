/**
 * The connection-state and stream-health gauges as Prometheus reads them: /metrics text over a real
 * database, before and after a connection is marked as needing re-authorization, a stream fails, and
 * a stream stops succeeding; one set of aggregate queries per refresh, whatever the scrapers do.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVERY_MS } from '../../../src/jobs/deps.ts';
import { setStreamStatus } from '../../../src/load/checkpoints.ts';
import { addConnection, setConnectionStatus } from '../../../src/load/connections.ts';
import { createSecretBox } from '../../../src/load/crypto.ts';
import { createDb, type Db } from '../../../src/load/db.ts';
import { closeRun, openRun } from '../../../src/load/runs.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { connectionHealthReader, registerConnectionHealth } from '../../../src/metrics/connection-health.ts';
import { type MetricsServer, startMetricsServer } from '../../../src/metrics/server.ts';

let db: Db;
let server: MetricsServer;
let reads = 0;

const box = createSecretBox({ key: randomBytes(32) });
const connection = (kind: 'seller' | 'creator', name: string) =>
  addConnection(db.sql, box, {
    kind,
    name,
    appKey: 'app',
    appSecret: 'secret-value',
    accessToken: 'access-token-value',
    refreshToken: 'refresh-token-value',
    accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
  });

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL ?? '', { max: 2 });
  const metrics = createMetrics({ processMetrics: false });
  const read = connectionHealthReader(db.sql, DEFAULT_EVERY_MS);
  registerConnectionHealth({
    registry: metrics.registry,
    read: () => {
      reads += 1;
      return read();
    },
    minRefreshMs: 0,
  });
  server = await startMetricsServer({
    port: 0,
    host: '127.0.0.1',
    registry: metrics.registry,
    readiness: [],
  });
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const scrape = async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();

describe('connection health gauges', () => {
  it('count connections by state and streams by health; a marked connection shows at the next scrape', async () => {
    const seller = await connection('seller', 'shop');
    const creator = await connection('creator', 'creator');
    await connection('creator', 'old');
    await setConnectionStatus(db.sql, 3, 'disabled', 'disabled by an operator');
    const before = await scrape();
    expect(before).toContain('affiliate_etl_connections{state="active"} 2');
    expect(before).toContain('affiliate_etl_connections{state="disabled"} 1');
    expect(before).toContain('affiliate_etl_connections{state="reauth_required"} 0');
    expect(before).toContain(
      'affiliate_etl_streams{stream="creator_affiliate_orders",health="never_succeeded"} 1',
    );

    await setConnectionStatus(db.sql, creator, 'reauth_required', 'TokenRevokedError: revoked');
    // seller_affiliate_orders succeeded 2 hours ago (8 of its 15-minute intervals); target_collaborations fails.
    const ok = await openRun(db.sql, {
      connectionId: seller,
      stream: 'seller_affiliate_orders',
      trigger: 'schedule',
    });
    await closeRun(db.sql, ok, {
      status: 'succeeded',
      counts: {
        pages: 0,
        apiCalls: 0,
        rowsInserted: 0,
        rowsUpdated: 0,
        rowsUnchanged: 0,
        rowsRejected: 0,
        rowsRemoved: 0,
        throttledMs: 0,
      },
    });
    await db.sql`update etl.sync_runs set started_at = now() - interval '2 hours', finished_at = now() - interval '2 hours' where id = ${ok}`;
    await setStreamStatus(db.sql, seller, 'target_collaborations', 'failing', {
      errorClass: 'ServerError',
      errorMessage: 'HTTP 503',
    });
    const readsBefore = reads;
    const after = await scrape();
    expect(reads - readsBefore).toBe(1);
    expect(after).toContain('affiliate_etl_connections{state="active"} 1');
    expect(after).toContain('affiliate_etl_connections{state="reauth_required"} 1');
    // A connection awaiting re-authorization is counted there, not among the active streams.
    expect(after).toContain(
      'affiliate_etl_streams{stream="creator_affiliate_orders",health="never_succeeded"} 0',
    );
    expect(after).toContain('affiliate_etl_streams{stream="seller_affiliate_orders",health="ok"} 1');
    expect(after).toContain('affiliate_etl_streams{stream="target_collaborations",health="failing"} 1');
    const lag =
      /affiliate_etl_stream_success_lag_intervals_max\{stream="seller_affiliate_orders"\} ([\d.]+)/.exec(
        after,
      );
    expect(Number(lag?.[1])).toBeCloseTo(8, 0);
    expect(after).toMatch(/affiliate_etl_connection_health_refreshed_timestamp_seconds \d{10}/);
  });

  it('a failed read is counted and keeps the last values', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let fail = false;
    registerConnectionHealth({
      registry: metrics.registry,
      read: async () => {
        if (fail) throw new Error('postgres down');
        return { connections: { active: 4 }, streams: [] };
      },
      minRefreshMs: 0,
    });
    expect(await metrics.registry.metrics()).toContain('affiliate_etl_connections{state="active"} 4');
    fail = true;
    const text = await metrics.registry.metrics();
    expect(text).toContain('affiliate_etl_connection_health_read_errors_total 1');
    expect(text).toContain('affiliate_etl_connections{state="active"} 4');
  });
});
