/**
 * The auth host's consent pages (src/sandbox/routes/consent.ts), over HTTP: the seller/partner page
 * takes the app's service_id, the creator page its app_key; "Authorize" redirects to the app's
 * redirect URL (an app setting, never taken from the link) with a fresh single-use code, the state
 * and the app key; "Decline" redirects with code=null&error=auth_denied; an unknown app is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, plain, startFixture } from './helpers.ts';

let f: Fixture;
const REDIRECT = 'http://localhost:8123/cb?keep=1';

beforeAll(async () => {
  f = await startFixture({ redirectUrl: REDIRECT });
});
afterAll(async () => {
  await f.sb.close();
});

async function page(
  path: string,
  query: Record<string, string>,
): Promise<{ status: number; html: string; links: string[] }> {
  const res = await fetch(`${f.sb.authUrl}${path}?${new URLSearchParams(query)}`);
  const html = await res.text();
  const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  return { status: res.status, html, links };
}

async function follow(href: string): Promise<URL> {
  const res = await fetch(`${f.sb.authUrl}${href}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

describe('consent pages of the auth host', () => {
  it('seller and partner page: authorize redirects with an exchangeable code, the state and the app key', async () => {
    const p = await page('/open/authorize', { service_id: f.sb.app.serviceId, state: 's-1' });
    expect(p.status).toBe(200);
    expect(p.html).toContain(f.seller.openId);
    expect(p.html).toContain(f.partner.openId);
    expect(p.html).not.toContain(f.creator.openId);
    const back = await follow(p.links.find((l) => l.includes(`account=${f.seller.openId}`))!);
    expect(`${back.origin}${back.pathname}`).toBe('http://localhost:8123/cb');
    expect(back.searchParams.get('keep')).toBe('1');
    expect(back.searchParams.get('state')).toBe('s-1');
    expect(back.searchParams.get('app_key')).toBe(f.sb.app.appKey);
    const code = back.searchParams.get('code') ?? '';
    const query = {
      app_key: f.sb.app.appKey,
      app_secret: f.sb.app.appSecret,
      auth_code: code,
      grant_type: 'authorized_code',
    };
    const token = await plain(`${f.sb.authUrl}${PATHS.tokenGet}?${new URLSearchParams(query)}`);
    expect(token.json.code).toBe(0);
    expect(token.json.data.open_id).toBe(f.seller.openId);
    expect(token.json.data.user_type).toBe(0);
    const again = await plain(`${f.sb.authUrl}${PATHS.tokenGet}?${new URLSearchParams(query)}`);
    expect(again.json.code).toBe(36004005);
  });

  it('creator page takes the app key; decline redirects with code=null&error=auth_denied', async () => {
    const p = await page('/alliance/creator/auth', { app_key: f.sb.app.appKey, state: 's-2' });
    expect(p.status).toBe(200);
    expect(p.html).toContain(f.creator.openId);
    expect(p.html).not.toContain(f.seller.openId);
    const declined = await follow(p.links.find((l) => l.includes('decline=1'))!);
    expect(declined.searchParams.get('code')).toBe('null');
    expect(declined.searchParams.get('error')).toBe('auth_denied');
    expect(declined.searchParams.get('state')).toBe('s-2');
  });

  it('an unknown app, or an account of another kind, is refused', async () => {
    expect((await page('/open/authorize', { service_id: 'nope', state: 'x' })).status).toBe(400);
    expect((await page('/alliance/creator/auth', { app_key: 'nope', state: 'x' })).status).toBe(400);
    const res = await fetch(
      `${f.sb.authUrl}/alliance/creator/auth/decision?${new URLSearchParams({ app_key: f.sb.app.appKey, state: 'x', account: f.seller.openId })}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(404);
  });
});
