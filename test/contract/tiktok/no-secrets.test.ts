/**
 * docs/architecture.md#invariant-7-no-secret-in-logs-or-errors against the sandbox: a faulty run (throttling, 5xx, broken bodies,
 * token expiry mid-run, a rejected page token, a revoked token, a bad secret) leaves no app
 * secret, token, auth code or signature in any log line or error.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { searchCreatorOrders } from '../../../src/tiktok/endpoints/creator.ts';
import { getPartnerCampaignDetail } from '../../../src/tiktok/endpoints/partner.ts';
import { searchSellerOrders } from '../../../src/tiktok/endpoints/seller.ts';
import { exchangeAuthCode } from '../../../src/tiktok/endpoints/token.ts';
import { createTokenSource } from '../../../src/tiktok/token-source.ts';
import { memoryMutex, memoryStore } from '../../unit/tiktok/helpers/token-fixtures.ts';
import { type Fixture, startFixture, walk } from './fixture.ts';

let f: Fixture | null = null;
afterAll(async () => {
  await f?.sb.close();
});

describe('no secret leaves the client (sandbox run with faults)', () => {
  it('logs and errors contain no secret', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const wire: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      wire.push(String(input), JSON.stringify(init?.headers ?? {}));
      return fetch(input, init);
    };
    f = await startFixture({
      // Not on the token host: a truncated refresh response loses the rotated pair for good.
      faults: 'orders:5xx=0.2;orders:429=0.1;orders:truncate=0.1;page_token_expired=once;errors=4xx',
    });
    const fx = f;
    const secrets = [
      fx.sb.app.appSecret,
      ...fx.sb.accounts.flatMap((a) => [a.accessToken, a.refreshToken, a.authCode]),
    ];
    const api = fx.client({ log, fetch: recordingFetch });
    const seller = fx.sb.accounts.find((a) => a.kind === 'seller');
    if (!seller) throw new Error('no seller');
    const store = memoryStore({ ...seller });
    const tokens = createTokenSource({
      connectionId: 'c1',
      appKey: fx.sb.app.appKey,
      appSecret: fx.sb.app.appSecret,
      api,
      store,
      mutex: memoryMutex(),
      now: () => fx.sb.clock.nowMs(),
      log,
    });
    const initialSellerToken = seller.accessToken;
    const errors: unknown[] = [];
    const attempt = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));

    await attempt(
      walk((pageToken) => searchSellerOrders(api, { ...fx.seller, tokens }, { pageSize: 10, pageToken })),
    );
    fx.sb.expire(initialSellerToken); // the next call gets 105002 and refreshes
    await attempt(
      walk((pageToken) => searchSellerOrders(api, { ...fx.seller, tokens }, { pageSize: 10, pageToken })),
    );
    await attempt(searchSellerOrders(api, { ...fx.seller, appSecret: 'wrong' }, {}));
    await attempt(getPartnerCampaignDetail(api, fx.partner, 'nope'));
    await attempt(
      exchangeAuthCode(api, {
        appKey: fx.sb.app.appKey,
        appSecret: fx.sb.app.appSecret,
        authCode: 'bogus-code',
      }),
    );
    const creator = fx.sb.accounts.find((a) => a.kind === 'creator');
    fx.sb.revoke(creator?.accessToken ?? '');
    await attempt(searchCreatorOrders(api, fx.creator, {}));

    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(store.saves).toBeGreaterThanOrEqual(1);
    const signs = wire
      .flatMap((u) => (u.startsWith('http') ? [new URL(u).searchParams.get('sign') ?? ''] : []))
      .filter(Boolean);
    const rotated = [store.value.accessToken, store.value.refreshToken];
    const all = [...secrets, ...rotated, ...signs];
    // The secrets were really on the wire (query or header), so the grep below means something.
    expect(wire.join('\n')).toContain(fx.sb.app.appSecret);
    expect(signs.length).toBeGreaterThan(10);

    const text = [
      ...lines,
      ...errors.map((e) => {
        const err = e as Error;
        return [JSON.stringify(err), err.message, err.stack, String(err)].join('\n');
      }),
    ].join('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of all) expect(text.includes(secret), `leaked ${secret.slice(0, 8)}...`).toBe(false);
  });
});
