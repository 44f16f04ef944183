/**
 * Turns an API client error into what an operator must DO about it. The client's message already
 * says what happened (endpoint, code, request_id, scrubbed); this adds the remedy, keyed on the
 * API code first (docs/tiktok-api.md#error-codes) and on the error class second.
 */
import type { ConnectionKind } from '../../core/streams.ts';

export interface ApiErrorLike {
  name: string;
  message: string;
  code?: number | null;
  httpStatus?: number | null;
  endpoint?: string;
}

export interface ExplainContext {
  kind?: ConnectionKind;
  appKey?: string;
  apiBaseUrl?: string;
  authBaseUrl?: string;
}

/** Scope packages per connection kind (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders, docs/tiktok-api.md#partner-campaigns; the creator and partner keys are [3P]/[INF], docs/tiktok-api.md#scope-keys). */
export const SCOPE_PACKAGE: Record<ConnectionKind, { title: string; key: string }> = {
  seller: { title: 'Read Seller Affiliate Collaboration', key: 'seller.affiliate_collaboration.read' },
  creator: { title: 'Read Creator Affiliate Collaborations', key: 'creator.affiliate_collaboration.read' },
  partner: { title: 'Read Affiliate Partner Campaigns', key: 'partner.tap_campaign.read' },
};

const REAUTHORIZE =
  'have the account owner authorize the app again (seller: services.tiktokshop.com/open/authorize, ' +
  'partner: partner.tiktokshop.com/open/authorize, creator: shop.tiktok.com/alliance/creator/auth) ' +
  'and run `affiliate-etl connections add` with the new auth code (single use, valid 30 minutes)';

function asApiError(err: unknown): ApiErrorLike | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: unknown; httpStatus?: unknown; endpoint?: unknown };
  return {
    name: e.name,
    message: e.message,
    code: typeof e.code === 'number' ? e.code : null,
    httpStatus: typeof e.httpStatus === 'number' ? e.httpStatus : null,
    ...(typeof e.endpoint === 'string' ? { endpoint: e.endpoint } : {}),
  };
}

/** The remedy for `err`, or null when it is not an API error this module knows. */
export function remedyFor(err: unknown, ctx: ExplainContext = {}): string | null {
  const e = asApiError(err);
  if (!e) return null;
  const app = ctx.appKey ? ` ${ctx.appKey}` : '';
  switch (e.code) {
    case 106001:
      return (
        `The request signature was rejected (106001, docs/tiktok-api.md#signing): the app secret does not belong to the app key${app}. ` +
        'Copy the App secret from TikTok Shop Partner Center (App & Service > your app > Basic information) into ' +
        '--app-secret or TIKTOK_APP_SECRET.'
      );
    case 36009004:
      return (
        'The API refused the app key, the token or the request timestamp (36009004, docs/tiktok-api.md#error-codes): check --app-key / ' +
        'TIKTOK_APP_KEY and --app-secret / TIKTOK_APP_SECRET, that the token belongs to this app, and that this ' +
        "machine's clock is right (timestamps must be within 5 minutes of TikTok's, docs/tiktok-api.md#common-parameters)."
      );
    case 105005: {
      const pkg = ctx.kind ? SCOPE_PACKAGE[ctx.kind] : null;
      const which = pkg ? `the scope package "${pkg.title}" (${pkg.key})` : 'the scope package named above';
      return (
        `The token lacks a required scope (105005): in Partner Center, apply for ${which} for your app; once it is ` +
        `approved, ${REAUTHORIZE}.`
      );
    }
    case 101000:
      return (
        `The token is not of the right kind for this endpoint (101000, docs/tiktok-api.md#token-types)${ctx.kind ? `: a ${ctx.kind} connection needs a ${ctx.kind} token (user_type ${ctx.kind === 'seller' ? 0 : ctx.kind === 'creator' ? 1 : 3})` : ''}. ` +
        'Check that you chose seller, creator or partner correctly.'
      );
    case 36009033:
      return "This machine's IP address is not in the app's IP allow-list (36009033): add it in Partner Center.";
    case 105001:
    case 36004001:
    case 36004005:
      return `The authorization is gone (revoked, expired, or the auth code was already used): ${REAUTHORIZE}.`;
    case 105002:
      return (
        'The access token has expired and could not be refreshed: run the command again; if it persists, ' +
        `${REAUTHORIZE}.`
      );
    default:
      break;
  }
  switch (e.name) {
    case 'TokenRevokedError':
      return `The authorization is no longer valid: ${REAUTHORIZE}.`;
    case 'PermissionError':
      return 'The token may not call this endpoint: check the scopes of the app in Partner Center and the connection kind.';
    case 'TransientError':
    case 'RateLimitedError':
      return (
        `TikTok did not answer usefully (network, timeout, 5xx or throttling). Check TIKTOK_API_BASE_URL` +
        `${ctx.apiBaseUrl ? ` (${ctx.apiBaseUrl})` : ''} / TIKTOK_AUTH_BASE_URL and the network, then try again.`
      );
    case 'ResponseShapeError':
      return 'The API answered with an unexpected shape: the endpoint version may have changed (docs/tiktok-api.md#sources, versioning). Report it with the request_id.';
    case 'InvalidRequestError':
      return 'The API rejected the request; the message above says which parameter. Check the values given on the command line.';
    default:
      return null;
  }
}

/** `message` + remedy, for CLI errors and doctor lines. */
export function explainApiError(err: unknown, ctx: ExplainContext = {}): string {
  const message = err instanceof Error ? err.message : String(err);
  const remedy = remedyFor(err, ctx);
  return remedy ? `${message}\n  What to do: ${remedy}` : message;
}
