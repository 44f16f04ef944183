/**
 * The checks of `affiliate-etl doctor`, each a verdict (ok / warn / FAIL), what was found and what
 * to do. Order matters: a check that cannot run because an earlier one failed says so instead of
 * failing with a confusing second error.
 */
import { type ConnectionKind, STREAM_KIND, STREAMS } from '../../../core/streams.ts';
import type { ConfigFor } from '../../../config.ts';
import { type ConnectionSummary, getCredentials, listConnections } from '../../../load/connections.ts';
import type { SecretBox } from '../../../load/crypto.ts';
import type { Sql } from '../../../load/db.ts';
import { rollupTriggerProblems } from '../../../load/rollup-health.ts';
import { tokenStoreFor } from '../../../load/token-store.ts';
import type { ApiClient } from '../../../tiktok/client.ts';
import { createTokenSource, type Mutex } from '../../../tiktok/token-source.ts';
import { explainApiError, SCOPE_PACKAGE } from '../../common/api-error.ts';
import { isFailing, problemText } from '../../common/status-render.ts';
import { formatExpiry, formatInstant } from '../../common/format.ts';
import { migrationState } from './migrations.ts';
import { ProbeError, probeConnection } from '../../common/probe.ts';
import { reachPostgres, reachRedis } from '../../common/reach.ts';
import { gatherStatus, type StreamStatus } from '../../common/status-data.ts';

export type Verdict = 'ok' | 'warn' | 'FAIL';

export interface Check {
  verdict: Verdict;
  name: string;
  detail: string;
  fix?: string;
}

export interface DoctorDeps {
  config: ConfigFor<'database' | 'redis' | 'encryption'>;
  /** Opened only after Postgres answered. */
  openSql(): Sql;
  box(): SecretBox;
  api: ApiClient;
  /** Cross-process token-refresh lock (Redis) when Redis answers, else a process-local one. */
  mutex(redisOk: boolean): Promise<Mutex>;
  now: Date;
}

const REFRESH_WARN_DAYS = 7;

export async function runDoctorChecks(deps: DoctorDeps): Promise<Check[]> {
  const checks: Check[] = [];
  const [pg, redis] = await Promise.all([
    reachPostgres(deps.config.databaseUrl),
    reachRedis(deps.config.redisUrl),
  ]);
  checks.push(
    pg.ok
      ? { verdict: 'ok', name: 'postgres', detail: pg.detail }
      : {
          verdict: 'FAIL',
          name: 'postgres',
          detail: pg.detail,
          fix: 'check DATABASE_URL and that Postgres runs and accepts connections from here',
        },
  );
  checks.push(
    redis.ok
      ? { verdict: 'ok', name: 'redis', detail: redis.detail }
      : {
          verdict: 'FAIL',
          name: 'redis',
          detail: redis.detail,
          fix: 'check REDIS_URL and that Redis runs and accepts connections from here',
        },
  );
  if (redis.ok) checks.push(evictionCheck(redis.maxmemoryPolicy));
  if (!pg.ok) {
    checks.push({ verdict: 'FAIL', name: 'migrations', detail: 'not checked: Postgres is unreachable' });
    return checks;
  }
  const sql = deps.openSql();
  const migrations = await migrationCheck(sql);
  checks.push(migrations);
  if (migrations.verdict === 'FAIL' && /no migration/.test(migrations.detail)) return checks;
  if (migrations.verdict !== 'FAIL') checks.push(await rollupCheck(sql));
  const connections = await listConnections(sql);
  if (connections.length === 0) {
    checks.push({
      verdict: 'warn',
      name: 'connections',
      detail: 'none yet',
      fix: 'add one: affiliate-etl connections add seller|creator|partner --auth-code CODE',
    });
    return checks;
  }
  const mutex = await deps.mutex(redis.ok);
  const status = await gatherStatus(sql, deps.config, { connectionIds: [], streams: [] });
  for (const c of connections) {
    const streams = status.rows.filter((r) => r.connectionId === c.id);
    checks.push(...(await connectionChecks(deps, sql, mutex, c, streams, status.now)));
  }
  return checks;
}

function evictionCheck(policy: string | null): Check {
  if (policy === 'noeviction')
    return { verdict: 'ok', name: 'redis policy', detail: 'maxmemory-policy noeviction' };
  const fix =
    'set `maxmemory-policy noeviction` (redis.conf or CONFIG SET): BullMQ jobs and locks must never be evicted';
  if (policy === null)
    return {
      verdict: 'warn',
      name: 'redis policy',
      detail: 'maxmemory-policy could not be read (CONFIG GET refused)',
      fix,
    };
  return { verdict: 'FAIL', name: 'redis policy', detail: `maxmemory-policy is ${policy}`, fix };
}

async function migrationCheck(sql: Sql): Promise<Check> {
  const m = await migrationState(sql);
  if (m.applied === 0)
    return {
      verdict: 'FAIL',
      name: 'migrations',
      detail: 'no migration applied to this database',
      fix: 'run: affiliate-etl migrate',
    };
  if (m.pending.length > 0) {
    return {
      verdict: 'FAIL',
      name: 'migrations',
      detail: `${m.pending.length} pending: ${m.pending.join(', ')}`,
      fix: 'run: affiliate-etl migrate',
    };
  }
  if (!m.viewsPresent)
    return {
      verdict: 'FAIL',
      name: 'migrations',
      detail: 'tables present but the analyst views are missing',
      fix: 'run: affiliate-etl migrate',
    };
  if (m.unknown > 0) {
    return {
      verdict: 'warn',
      name: 'migrations',
      detail: `the database has ${m.unknown} migration(s) this release does not know`,
      fix: 'upgrade this installation to the release that migrated the database',
    };
  }
  return { verdict: 'ok', name: 'migrations', detail: `${m.applied} applied, current` };
}

async function rollupCheck(sql: Sql): Promise<Check> {
  const problems = await rollupTriggerProblems(sql);
  if (problems.length === 0)
    return { verdict: 'ok', name: 'performance rollup', detail: 'kept current by its triggers' };
  return {
    verdict: 'FAIL',
    name: 'performance rollup',
    detail: `${problems.join('; ')}: creator_performance_daily no longer follows the order lines`,
    fix: 'run: affiliate-etl migrate (re-creates the triggers and rebuilds the rollup from the lines)',
  };
}

function neededScopes(kind: ConnectionKind): string[] {
  return STREAMS.some((s) => STREAM_KIND[s] === kind) ? [SCOPE_PACKAGE[kind].key] : [];
}

async function connectionChecks(
  deps: DoctorDeps,
  sql: Sql,
  mutex: Mutex,
  c: ConnectionSummary,
  streams: readonly StreamStatus[],
  now: Date,
): Promise<Check[]> {
  const name = `connection ${c.id}`;
  const label = `${c.kind} "${c.name}"`;
  if (c.status === 'disabled') return [{ verdict: 'ok', name, detail: `${label} is disabled: not checked` }];
  const out: Check[] = [];
  // The causes first: why this connection or its streams stopped syncing, then the detailed checks.
  if (c.status === 'reauth_required') {
    out.push({
      verdict: 'FAIL',
      name,
      detail: `${label} needs re-authorization since ${formatInstant(c.updatedAt)}${c.statusReason ? `, because ${c.statusReason}` : ''}`,
      fix: 'have the owner authorize the app again, then: affiliate-etl connections add ... --auth-code NEW_CODE',
    });
  } else {
    for (const s of streams.filter(isFailing)) {
      const [detail = '', fix] = problemText(s, now).split('\n    What to do: ');
      out.push({ verdict: 'FAIL', name, detail: `${s.stream} ${detail}`, ...(fix ? { fix } : {}) });
    }
  }
  out.push(tokenCheck(name, c, deps.now));
  const missing = neededScopes(c.kind).filter((s) => !c.grantedScopes.includes(s));
  if (c.grantedScopes.length === 0) {
    out.push({
      verdict: 'warn',
      name,
      detail: 'granted scopes unknown (tokens were given directly); the API call below checks access',
    });
  } else if (missing.length > 0) {
    // Creator and partner scope keys are known only from third-party notes (docs/tiktok-api.md#scope-keys): the
    // API call below is the real test, so a key mismatch alone is a warning.
    out.push({
      verdict: 'warn',
      name,
      detail: `granted scopes lack ${missing.join(', ')} (${c.grantedScopes.join(', ')})`,
      fix: `apply for "${SCOPE_PACKAGE[c.kind].title}" in Partner Center if the call below fails with 105005`,
    });
  } else {
    out.push({ verdict: 'ok', name, detail: `scopes include ${neededScopes(c.kind).join(', ')}` });
  }
  out.push(await probeCheck(deps, sql, mutex, c));
  return out;
}

function tokenCheck(name: string, c: ConnectionSummary, now: Date): Check {
  const refreshExpired = c.refreshTokenExpiresAt !== null && c.refreshTokenExpiresAt <= now;
  const accessExpired = c.accessTokenExpiresAt <= now;
  const tokens = `access token ${formatExpiry(c.accessTokenExpiresAt, now)}, refresh token ${c.refreshTokenExpiresAt ? formatExpiry(c.refreshTokenExpiresAt, now) : 'expiry not reported'}`;
  if (refreshExpired) {
    return {
      verdict: 'FAIL',
      name,
      detail: tokens,
      fix: 'the refresh token expired: have the owner authorize the app again and run connections add with the new auth code',
    };
  }
  const soon =
    c.refreshTokenExpiresAt !== null &&
    c.refreshTokenExpiresAt.getTime() - now.getTime() < REFRESH_WARN_DAYS * 86_400_000;
  if (soon) {
    return {
      verdict: 'warn',
      name,
      detail: tokens,
      fix: `the refresh token expires within ${REFRESH_WARN_DAYS} days: plan a re-authorization before then`,
    };
  }
  return { verdict: 'ok', name, detail: accessExpired ? `${tokens} (refreshed on next use)` : tokens };
}

async function probeCheck(deps: DoctorDeps, sql: Sql, mutex: Mutex, c: ConnectionSummary): Promise<Check> {
  const name = `connection ${c.id}`;
  let creds: Awaited<ReturnType<typeof getCredentials>>;
  try {
    creds = await getCredentials(sql, deps.box(), c.id);
  } catch (err) {
    return {
      verdict: 'FAIL',
      name,
      detail: `cannot decrypt its credentials: ${(err as Error).message}`,
      fix: 'ETL_ENCRYPTION_KEY is not the key they were stored with; during a rotation set the old one as ETL_ENCRYPTION_KEY_PREVIOUS',
    };
  }
  if (!creds) return { verdict: 'warn', name, detail: 'removed while being checked' };
  const tokens = createTokenSource({
    connectionId: String(c.id),
    appKey: creds.appKey,
    appSecret: creds.appSecret,
    api: deps.api,
    store: tokenStoreFor(sql, deps.box(), c.id),
    mutex,
    // Doctor refreshes only when the API says the token expired (105002), never ahead of time.
    refreshAheadSeconds: 0,
  });
  try {
    const probe = await probeConnection(
      deps.api,
      { kind: c.kind, appKey: creds.appKey, appSecret: creds.appSecret, tokens, openId: c.openId },
      { nowMs: deps.now.getTime() },
    );
    const changed = ownersChanged(
      c,
      probe.shops.map((s) => s.id),
      probe.categoryAssets.map((a) => a.cipher),
    );
    return changed
      ? {
          verdict: 'warn',
          name,
          detail: `API answers (${probe.verified.join(', ')}) but the authorized ${c.kind === 'seller' ? 'shops' : 'category assets'} changed`,
          fix: 'run connections add again with a fresh auth code to update them',
        }
      : { verdict: 'ok', name, detail: `API answers: ${probe.verified.join(', ')}` };
  } catch (err) {
    if (err instanceof ProbeError) return { verdict: 'FAIL', name, detail: err.message };
    const [detail = '', fix] = explainApiError(err, { kind: c.kind, appKey: creds.appKey }).split(
      '\n  What to do: ',
    );
    return { verdict: 'FAIL', name, detail, ...(fix ? { fix } : {}) };
  }
}

function ownersChanged(c: ConnectionSummary, shopIds: string[], assetCiphers: string[]): boolean {
  const same = (a: string[], b: string[]) =>
    a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  if (c.kind === 'seller')
    return !same(
      c.shops.map((s) => s.id),
      shopIds,
    );
  if (c.kind === 'partner')
    return !same(
      c.categoryAssets.map((a) => a.cipher),
      assetCiphers,
    );
  return false;
}
