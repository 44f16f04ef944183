/** Text output of `connections add` and `connections list`: never a secret, only public columns. */
import type { ConnectionKind } from '../../../core/streams.ts';
import type { ConnectionSummary } from '../../../load/connections.ts';
import type { AddConnectionResult } from '../../common/add-connection.ts';
import { formatExpiry, formatInstant, formatRelative } from '../../common/format.ts';
import { renderTable } from '../../common/table.ts';

export function renderConnectionAdded(kind: ConnectionKind, r: AddConnectionResult, now: Date): string {
  const lines = [
    r.reauthorized
      ? `Connection ${r.id} re-authorized (${kind} "${r.name}"): new tokens stored, status active.`
      : `Connection ${r.id} added: ${kind} "${r.name}".`,
  ];
  if (r.probe.shops.length > 0) {
    lines.push(
      `  Shops (${r.probe.shops.length}): ${r.probe.shops.map((s) => `${s.name || s.id} [${s.region}, id ${s.id}]`).join('; ')}`,
    );
  }
  if (r.probe.categoryAssets.length > 0) {
    lines.push(
      `  Category assets (${r.probe.categoryAssets.length}): ${r.probe.categoryAssets.map((a) => `${a.category_name || a.category_id} [${a.target_market}]`).join('; ')}`,
    );
  }
  if (kind === 'creator' && r.openId) lines.push(`  Creator open_id: ${r.openId}`);
  lines.push(`  Verified: ${r.probe.verified.join(', ')}`);
  lines.push(
    `  Scopes: ${r.grantedScopes.length > 0 ? r.grantedScopes.join(', ') : 'not reported (tokens given directly)'}`,
  );
  lines.push(
    `  Access token expires: ${formatExpiry(r.accessTokenExpiresAt, now)} (refreshed automatically)`,
  );
  lines.push(
    `  Refresh token expires: ${r.refreshTokenExpiresAt ? formatExpiry(r.refreshTokenExpiresAt, now) : 'not reported'}`,
  );
  lines.push(`Next: affiliate-etl sync --connection ${r.id}   (or start a worker: affiliate-etl worker)`);
  return `${lines.join('\n')}\n`;
}

export interface LastSync {
  at: Date | null;
  status: string;
}

function owners(c: ConnectionSummary): string {
  if (c.kind === 'seller')
    return c.shops.length === 0 ? 'no shop' : c.shops.map((s) => s.name || s.id).join(', ');
  if (c.kind === 'partner') {
    return c.categoryAssets.length === 0
      ? 'no asset'
      : c.categoryAssets.map((a) => a.category_name || a.category_id).join(', ');
  }
  return c.openId ? `open_id ${c.openId}` : 'no open_id';
}

export function renderConnections(
  all: ConnectionSummary[],
  lastSync: Map<number, LastSync>,
  now: Date,
  plain: boolean,
): string {
  if (all.length === 0) {
    return 'No connections yet. Add one with: affiliate-etl connections add seller|creator|partner --auth-code CODE\n';
  }
  const rows = all.map((c) => {
    const last = lastSync.get(c.id);
    const status =
      c.status === 'active' ? 'active' : `${c.status}${c.statusReason ? ` (${c.statusReason})` : ''}`;
    return [
      c.id,
      c.kind,
      c.name,
      status,
      owners(c),
      c.appKey,
      formatExpiry(c.accessTokenExpiresAt, now),
      c.refreshTokenExpiresAt ? formatExpiry(c.refreshTokenExpiresAt, now) : 'not reported',
      last ? `${last.status} ${formatRelative(last.at, now)}` : 'never',
    ];
  });
  const table = renderTable(
    [
      'id',
      'kind',
      'name',
      'status',
      'shops / assets',
      'app key',
      'access token expires',
      'refresh token expires',
      'last sync',
    ],
    rows,
    { plain, numeric: [0] },
  );
  return `${table}Times are UTC. ${formatInstant(now)} now.\n`;
}
