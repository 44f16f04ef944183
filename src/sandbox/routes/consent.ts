/**
 * The authorization pages of the auth host, so that `connections authorize` can be exercised end to
 * end: the link the CLI prints opens a consent page that lists the simulator's accounts of the kind
 * (seller and partner links carry `service_id`, creator links `app_key`; both carry `state`);
 * "Authorize" issues a fresh single-use auth code and redirects the browser to the app's redirect
 * URL with `?code=...&state=...&app_key=...`, as TikTok does; "Decline" redirects with
 * `code=null&error=auth_denied`. The redirect URL is the app setting (SandboxOptions.redirectUrl),
 * never taken from the link: a link cannot send a code somewhere else.
 */
import type { AccountKind } from '../tokens.ts';

export interface ConsentAccount {
  kind: AccountKind;
  openId: string;
  name: string;
}

export interface ConsentDeps {
  appKey: string;
  serviceId: string;
  redirectUrl: string;
  accounts: () => readonly ConsentAccount[];
  newAuthCode: (openId: string) => string;
}

export interface ConsentResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The pages this module answers (GET only). */
export const CONSENT_PATHS = [
  '/open/authorize',
  '/open/authorize/decision',
  '/alliance/creator/auth',
  '/alliance/creator/auth/decision',
] as const;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const page = (status: number, title: string, body: string): ConsentResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
});

export function consentPage(deps: ConsentDeps, path: string, query: URLSearchParams): ConsentResponse | null {
  const creator = path.startsWith('/alliance/creator/auth');
  const base = creator ? '/alliance/creator/auth' : '/open/authorize';
  if (path !== base && path !== `${base}/decision`) return null;
  const state = query.get('state') ?? '';
  if (creator ? query.get('app_key') !== deps.appKey : query.get('service_id') !== deps.serviceId) {
    return page(
      400,
      'Unknown app',
      `<p>This link names ${creator ? 'an app_key' : 'a service_id'} the sandbox does not know. Its app: app_key ${escapeHtml(deps.appKey)}, service_id ${escapeHtml(deps.serviceId)}.</p>`,
    );
  }
  const kinds: AccountKind[] = creator ? ['creator'] : ['seller', 'partner'];
  const accounts = deps.accounts().filter((a) => kinds.includes(a.kind));
  if (path === base) {
    const app = creator
      ? `app_key=${encodeURIComponent(deps.appKey)}`
      : `service_id=${encodeURIComponent(deps.serviceId)}`;
    const link = (extra: string) => `${base}/decision?${app}&state=${encodeURIComponent(state)}&${extra}`;
    const items = accounts
      .map(
        (a) =>
          `<li>${escapeHtml(a.name)} (${a.kind}, open_id ${escapeHtml(a.openId)}): <a href="${escapeHtml(link(`account=${encodeURIComponent(a.openId)}`))}">Authorize</a></li>`,
      )
      .join('');
    return page(
      200,
      'Authorize the app (TikTok Shop sandbox)',
      `<p>Sign-in is simulated: pick the account that grants access.</p><ul>${items}</ul><p><a href="${escapeHtml(link('decline=1'))}">Decline</a></p>`,
    );
  }
  const target = new URL(deps.redirectUrl);
  if (query.get('decline') === '1') {
    target.searchParams.set('code', 'null');
    target.searchParams.set('error', 'auth_denied');
  } else {
    const account = accounts.find((a) => a.openId === query.get('account'));
    if (!account) return page(404, 'Unknown account', '<p>No account of this kind has that open_id.</p>');
    target.searchParams.set('code', deps.newAuthCode(account.openId));
  }
  target.searchParams.set('state', state);
  target.searchParams.set('app_key', deps.appKey);
  return { status: 302, headers: { location: target.toString(), 'content-type': 'text/plain' }, body: '' };
}
