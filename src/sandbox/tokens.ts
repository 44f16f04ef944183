/**
 * Token life cycle of the auth host (docs/tiktok-api.md#tokens): single-use auth codes valid 30 min, token pairs
 * with ABSOLUTE expiries (default access 7 days, refresh 30 days of virtual time; the refresh
 * lifetime is undocumented, docs/tiktok-api.md#refresh-token-lifetime), refresh that rotates the pair and invalidates the old access AND
 * refresh token, revocation and forced expiry for tests.
 */
import type { VirtualClock } from './clock.ts';
import { randomToken } from './data/build-sellers.ts';
import { Errors } from './errors.ts';
import { Rng } from './prng.ts';
import type { SandboxQuirks } from './quirks.ts';

export type AccountKind = 'seller' | 'creator' | 'partner';
export const USER_TYPE: Record<AccountKind, 0 | 1 | 3> = { seller: 0, creator: 1, partner: 3 };

/** Scope keys (seller key from the guide example; creator/partner keys are [3P]/[INF], docs/tiktok-api.md#scope-keys). */
export const DEFAULT_SCOPES: Record<AccountKind, string[]> = {
  seller: [
    'seller.affiliate_collaboration.read',
    'seller.affiliate_collaboration.write',
    'seller.authorization.info',
  ],
  creator: ['creator.affiliate_collaboration.read', 'creator.authorization.info'],
  partner: ['partner.tap_campaign.read', 'partner.authorization.info'],
};

export interface AccountInfo {
  id: string; // open_id
  kind: AccountKind;
  name: string;
  region: string;
}

export interface Principal {
  account: AccountInfo;
  scopes: string[];
  accessToken: string;
}

export interface IssuedPair {
  accountId: string;
  family: number;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
  scopes: string[];
}

interface AccessRecord {
  accountId: string;
  family: number;
  scopes: string[];
  expiresAtS: number;
  state: 'active' | 'revoked' | 'rotated';
}
interface RefreshRecord {
  accountId: string;
  family: number;
  scopes: string[];
  expiresAtS: number;
  accessToken: string;
  state: 'active' | 'used' | 'revoked';
}
interface CodeRecord {
  accountId: string;
  scopes: string[];
  expiresAtMs: number;
  used: boolean;
}

export interface TokenLifetimes {
  accessS: number;
  refreshS: number;
  authCodeMs: number;
}
export const DEFAULT_LIFETIMES: TokenLifetimes = {
  accessS: 7 * 86_400,
  refreshS: 30 * 86_400,
  authCodeMs: 30 * 60_000,
};

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class TokenStore {
  private readonly accounts = new Map<string, AccountInfo>();
  private readonly access = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly rng: Rng;
  private families = 0;
  /** Called when a pair is issued by refresh (lets the account listing follow its first family). */
  onRotate: (pair: IssuedPair) => void = () => {};
  /** Called when an auth code is consumed (lets the account listing show a fresh one). */
  onCodeUsed: (code: string, accountId: string) => void = () => {};
  /** What a rotated-away access token answers (the rotated_access_token quirk; 105002 by default). */
  rotatedAnswer: () => SandboxQuirks['rotatedAccessToken'] = () => '105002';

  constructor(
    private readonly clock: VirtualClock,
    seed: number,
    private readonly lifetimes: TokenLifetimes = DEFAULT_LIFETIMES,
  ) {
    this.rng = new Rng(seed ^ 0x70cc3a1);
  }

  addAccount(account: AccountInfo): void {
    this.accounts.set(account.id, account);
  }

  account(id: string): AccountInfo {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`unknown sandbox account ${id}`);
    return account;
  }

  issue(accountId: string, scopes?: string[], family = ++this.families): IssuedPair {
    const account = this.account(accountId);
    const granted = scopes ?? DEFAULT_SCOPES[account.kind];
    const nowS = this.clock.nowSeconds();
    const accessToken = `TTP_${randomToken(this.rng, 48, TOKEN_ALPHABET)}`;
    const refreshToken = `TTP_${randomToken(this.rng, 40, TOKEN_ALPHABET)}`;
    const pair: IssuedPair = {
      accountId,
      family,
      accessToken,
      refreshToken,
      accessTokenExpiresAt: nowS + this.lifetimes.accessS,
      refreshTokenExpiresAt: nowS + this.lifetimes.refreshS,
      scopes: [...granted],
    };
    this.access.set(accessToken, {
      accountId,
      family,
      scopes: pair.scopes,
      expiresAtS: pair.accessTokenExpiresAt,
      state: 'active',
    });
    this.refreshTokens.set(refreshToken, {
      accountId,
      family,
      scopes: pair.scopes,
      expiresAtS: pair.refreshTokenExpiresAt,
      accessToken,
      state: 'active',
    });
    return pair;
  }

  newAuthCode(accountId: string, scopes?: string[]): string {
    const account = this.account(accountId);
    const code = `ROW_${randomToken(this.rng, 32, TOKEN_ALPHABET)}`;
    this.codes.set(code, {
      accountId,
      scopes: scopes ?? DEFAULT_SCOPES[account.kind],
      expiresAtMs: this.clock.nowMs() + this.lifetimes.authCodeMs,
      used: false,
    });
    return code;
  }

  /** /api/v2/token/get: codes are single use and expire after 30 minutes (docs/tiktok-api.md#exchanging-an-auth-code). */
  exchangeCode(code: string): IssuedPair {
    const record = this.codes.get(code);
    if (!record || record.used || this.clock.nowMs() > record.expiresAtMs) throw Errors.authRecordNotFound();
    record.used = true;
    this.onCodeUsed(code, record.accountId);
    return this.issue(record.accountId, record.scopes);
  }

  /** Whether an auth code can still be exchanged. */
  codeUsable(code: string): boolean {
    const record = this.codes.get(code);
    return record !== undefined && !record.used && this.clock.nowMs() <= record.expiresAtMs;
  }

  /** /api/v2/token/refresh: rotates the pair; the old access and refresh tokens stop working. */
  refresh(refreshToken: string): IssuedPair {
    const record = this.refreshTokens.get(refreshToken);
    if (record?.state !== 'active') throw Errors.authRecordNotFound();
    if (this.clock.nowSeconds() >= record.expiresAtS) throw Errors.refreshExpired();
    record.state = 'used';
    const old = this.access.get(record.accessToken);
    if (old && old.state === 'active') old.state = 'rotated';
    const pair = this.issue(record.accountId, record.scopes, record.family);
    this.onRotate(pair);
    return pair;
  }

  /** Validates the x-tts-access-token header (docs/sandbox.md). */
  authenticate(accessToken: string | undefined): Principal {
    if (!accessToken) throw Errors.missingToken();
    const record = this.access.get(accessToken);
    if (!record) throw Errors.badToken();
    if (record.state === 'revoked') throw Errors.revoked();
    // What a rotated-away token answers is undocumented. By default "expired": a client that lost
    // a refresh race then re-reads the rotated pair instead of failing the run as it would on
    // 36009004. The rotated_access_token quirk picks 105001 or 36009004 instead.
    if (record.state === 'rotated') throw Errors.rotated(this.rotatedAnswer());
    if (this.clock.nowSeconds() >= record.expiresAtS) throw Errors.expired();
    return { account: this.account(record.accountId), scopes: record.scopes, accessToken };
  }

  revoke(accessToken: string): void {
    const record = this.access.get(accessToken);
    if (!record) throw new Error('revoke: unknown access token');
    record.state = 'revoked';
    for (const r of this.refreshTokens.values()) {
      if (r.accessToken === accessToken && r.state === 'active') r.state = 'revoked';
    }
  }

  expire(accessToken: string): void {
    const record = this.access.get(accessToken);
    if (!record) throw new Error('expire: unknown access token');
    record.expiresAtS = Math.min(record.expiresAtS, this.clock.nowSeconds());
  }
}
