/**
 * Adds the sandbox's test accounts (sellers, creators, the partner) as connections, through the very
 * function `affiliate-etl connections add` uses (src/cli/common/add-connection.ts): the auth code is
 * exchanged for tokens (docs/tiktok-api.md#exchanging-an-auth-code), the account is probed (shops docs/tiktok-api.md#authorized-shops, category assets docs/tiktok-api.md#authorized-category-assets, one
 * page of its main endpoint), and the tokens are stored encrypted.
 *
 * Running it again adds nothing: the restarted sandbox serves the same accounts (same seed), and
 * addVerifiedConnection recognises the same account of the same app (kind + app key + open_id) as a
 * re-authorization, so the stored connection only gets the fresh tokens. That matters because the
 * new sandbox process knows nothing of the tokens the previous one issued or rotated.
 */
import type { ConnectionKind } from '../../../core/streams.ts';
import type { SandboxAccount, SandboxApp } from '../../../sandbox/types.ts';
import type { Runtime } from '../../common/runtime.ts';
import { addVerifiedConnection } from '../../common/add-connection.ts';

export interface QuickstartConnection {
  id: number;
  kind: ConnectionKind;
  name: string;
  /** False: an existing connection of this account got fresh tokens. */
  added: boolean;
}

export async function addSandboxConnections(
  rt: Runtime<'database' | 'encryption'>,
  app: SandboxApp,
  /** Read once per account: the sandbox hands out a fresh auth code whenever the last one was used. */
  accounts: () => readonly SandboxAccount[],
  nowMs: () => number = Date.now,
): Promise<QuickstartConnection[]> {
  const deps = { sql: rt.db().sql, box: rt.box(), api: rt.api() };
  const out: QuickstartConnection[] = [];
  const count = accounts().length;
  for (let i = 0; i < count; i++) {
    const account = accounts()[i];
    if (!account) break;
    const result = await addVerifiedConnection(
      { ...deps, nowMs: nowMs() },
      {
        kind: account.kind,
        name: null,
        appKey: app.appKey,
        appSecret: app.appSecret,
        credentials: { authCode: account.authCode },
      },
    );
    out.push({ id: result.id, kind: account.kind, name: result.name, added: !result.reauthorized });
  }
  return out;
}

/** "5 connections: 2 seller, 2 creator, 1 partner (5 added)". */
export function describeConnections(list: readonly QuickstartConnection[]): string {
  const kinds = (['seller', 'creator', 'partner'] as const)
    .map((k) => [k, list.filter((c) => c.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const added = list.filter((c) => c.added).length;
  const reused = list.length - added;
  const how = [added > 0 ? `${added} added` : '', reused > 0 ? `${reused} reused with fresh tokens` : '']
    .filter(Boolean)
    .join(', ');
  return `${list.length} connection${list.length === 1 ? '' : 's'}: ${kinds} (${how})`;
}
