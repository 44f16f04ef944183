/**
 * Secret scrubbing for everything the client echoes (error messages, log fields).
 * CONTRIBUTING.md#redact-at-the-source: redact where secrets are created; pino `redact` is only the second net.
 *
 * Two nets: (1) the exact secret values the client knows it used for a call (app secret, tokens,
 * sign, auth code) are replaced wherever they appear; (2) `key=value` / `"key":"value"` pairs whose
 * key is a secret-bearing name (src/core/secrets.ts) are masked even when the value is unknown,
 * e.g. an API message that echoes a query string.
 */
import { REDACTED, SECRET_KEYS } from '../core/secrets.ts';

const KEY_ALTERNATION = [...SECRET_KEYS]
  .sort((a, b) => b.length - a.length)
  .map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
  .join('|');

/** `sign=abc`, `app_secret: abc`, `"access_token":"abc"` (query strings, headers, JSON). */
const KEY_VALUE_PATTERN = new RegExp(
  `(["']?\\b(?:${KEY_ALTERNATION})["']?\\s*[=:]\\s*["']?)([^"'&\\s,;}]+)`,
  'gi',
);

/** TikTok tokens are prefixed `TTP_` / `ROW_` ... in examples (docs/tiktok-api.md#token-response); mask `TTP_` long strings. */
const TOKEN_SHAPE_PATTERN = /\bTTP_[A-Za-z0-9_-]{16,}/g;

/** Replace each known secret value and each secret-named key's value with [REDACTED]. */
export function scrubSecrets(
  text: string,
  knownSecrets: readonly (string | null | undefined)[] = [],
): string {
  let out = text;
  // Longest first so a secret containing another is replaced whole.
  const values = knownSecrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const value of values) {
    out = out.split(value).join(REDACTED);
    // URL-encoded forms appear in URLs and echoed query strings.
    const encoded = encodeURIComponent(value);
    if (encoded !== value) out = out.split(encoded).join(REDACTED);
  }
  out = out.replace(KEY_VALUE_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`);
  return out.replace(TOKEN_SHAPE_PATTERN, REDACTED);
}
