/**
 * A sandbox account as the connection the pipeline stores for it (what `connections add` would save
 * after the auth-code exchange), for tests and benchmarks that seed connections directly.
 */
import type { NewConnection } from '../../src/load/connections.ts';
import type { SandboxAccount, SandboxApp } from '../../src/sandbox/types.ts';

export function sandboxConnection(app: SandboxApp, account: SandboxAccount, name: string): NewConnection {
  return {
    kind: account.kind,
    name,
    appKey: app.appKey,
    appSecret: app.appSecret,
    accessToken: account.accessToken,
    refreshToken: account.refreshToken,
    accessTokenExpiresAt: new Date(account.accessTokenExpiresAt * 1000),
    refreshTokenExpiresAt: new Date(account.refreshTokenExpiresAt * 1000),
    openId: account.openId,
    shops: account.kind === 'seller' ? account.shops.map((s) => ({ ...s, code: '' })) : [],
    categoryAssets:
      account.kind === 'partner'
        ? account.categoryAssets.map((a) => ({
            cipher: a.cipher,
            target_market: a.targetMarket,
            category_id: a.categoryId,
            category_name: a.categoryName,
          }))
        : [],
  };
}
