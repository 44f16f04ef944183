/**
 * latencyBeforeAuthMs: a business request waits when it arrives and is judged (signature, token)
 * only when the wait is over, so a token revoked or rotated away meanwhile is refused; the token
 * host answers without the wait. latencyMs, by contrast, judges the request at once and only
 * delays the answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, startFixture } from './helpers.ts';

let f: Fixture | null = null;
afterEach(async () => {
  await f?.sb.close();
  f = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `n` business requests are waiting to be judged. */
async function arrived(fx: Fixture, n: number) {
  for (let i = 0; fx.sb.awaitingAuth().length < n; i++) {
    if (i > 400) throw new Error(`no ${n} request(s) waiting after 2 s`);
    await sleep(5);
  }
}

/** Resolves once the sandbox has begun handling a request since its stats were reset. */
async function begun(fx: Fixture) {
  for (let i = 0; fx.sb.stats().peakConcurrency < 1; i++) {
    if (i > 400) throw new Error('no request begun after 2 s');
    await sleep(5);
  }
}

/** Sends a shops request, revokes its token once it has arrived, returns the answer and its time. */
async function revokeInFlight(fx: Fixture) {
  const token = fx.seller.accessToken;
  fx.sb.resetStats();
  const started = performance.now();
  const pending = fx.call(PATHS.shops, { token });
  await begun(fx);
  fx.sb.revoke(token);
  const res = await pending;
  return { code: res.json?.code as number, ms: performance.now() - started };
}

describe('sandbox latency before the request is judged', () => {
  it('latencyBeforeAuthMs: a token revoked while the request waits is refused', async () => {
    f = await startFixture({ latencyBeforeAuthMs: 200 });
    const { code, ms } = await revokeInFlight(f);
    expect(code).toBe(105001);
    expect(ms).toBeGreaterThanOrEqual(190);
  });

  it('latencyMs: the same request was judged on arrival and is served', async () => {
    f = await startFixture({ latencyMs: 200 });
    const { code, ms } = await revokeInFlight(f);
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(190);
  });

  it('a token rotated away by a refresh during the wait answers the rotated_access_token quirk', async () => {
    f = await startFixture({ latencyBeforeAuthMs: 200, quirks: { rotatedAccessToken: '105001' } });
    const fx = f;
    fx.sb.resetStats();
    let answered = false;
    const business = fx.call(PATHS.shops, { token: fx.seller.accessToken }).finally(() => {
      answered = true;
    });
    await arrived(fx, 1);
    // The token host answers without the wait: the pair rotates while the request above waits.
    const refresh = await fetch(
      `${fx.sb.authUrl}/api/v2/token/refresh?${new URLSearchParams({
        app_key: fx.sb.app.appKey,
        app_secret: fx.sb.app.appSecret,
        refresh_token: fx.seller.refreshToken,
        grant_type: 'refresh_token',
      })}`,
    );
    const refreshed = ((await refresh.json()) as { code: number }).code;
    const answeredBeforeRefresh = answered;
    const res = await business;
    expect({ refreshed, answeredBeforeRefresh, code: res.json.code }).toEqual({
      refreshed: 0,
      answeredBeforeRefresh: false,
      code: 105001,
    });
    expect(fx.sb.stats().refreshes).toBe(1);
  });

  it('awaitingAuth() lists the waiting requests with their token until they are judged', async () => {
    f = await startFixture({ latencyBeforeAuthMs: 150 });
    const fx = f;
    expect(fx.sb.awaitingAuth()).toEqual([]);
    const pending = fx.call(PATHS.shops, { token: fx.seller.accessToken });
    await arrived(fx, 1);
    expect(fx.sb.awaitingAuth().map((w) => [w.path, w.accessToken])).toEqual([
      [PATHS.shops, fx.seller.accessToken],
    ]);
    expect((await pending).json.code).toBe(0);
    expect(fx.sb.awaitingAuth()).toEqual([]);
  });

  it('setLatencyBeforeAuthMs changes the wait for the requests that arrive next', async () => {
    f = await startFixture({ latencyBeforeAuthMs: 0 });
    const fx = f;
    const timed = async () => {
      const started = performance.now();
      expect((await fx.call(PATHS.shops, { token: fx.seller.accessToken })).json.code).toBe(0);
      return performance.now() - started;
    };
    fx.sb.setLatencyBeforeAuthMs(250);
    expect(await timed()).toBeGreaterThanOrEqual(240);
    fx.sb.setLatencyBeforeAuthMs(0);
    expect(await timed()).toBeLessThan(240);
  });

  it('refuses a negative or non-numeric wait with a clear error', async () => {
    await expect(startFixture({ latencyBeforeAuthMs: -1 })).rejects.toThrow(/latencyBeforeAuthMs/);
    f = await startFixture();
    const fx = f;
    expect(() => fx.sb.setLatencyBeforeAuthMs(Number.NaN)).toThrow(
      /latencyBeforeAuthMs must be a number >= 0/,
    );
  });
});
