/**
 * Ambiguity switches ("quirks"): the API documentation leaves some behaviours open and the real
 * service may answer either way. The sandbox has one switch per open question, with every
 * plausible answer, so clients can be tested against each. The defaults are the sandbox's
 * historical behaviour.
 *
 * Spec grammar (the `--quirks` flag, `{spec}` on POST /__sandbox/quirks):
 *   spec := item (',' item)*        items apply left to right (a later one overrides); spaces ignored
 *   item := key '=' value | profile name (see QUIRK_PROFILES, e.g. "all")
 * Keys are the snake_case of the fields below (terminal_page_token, error_status,
 * order_range_cap, rotated_access_token, empty_body_signing, refresh_grant_type,
 * creator_trace_orders); the camelCase
 * field names are accepted too.
 * Example: "terminal_page_token=absent,error_status=4xx", or "all".
 */

export interface SandboxQuirks {
  /** How the last page says "no more": "" (today), the key absent, or "0" (a request with page_token "0" answers an empty last page). */
  terminalPageToken: 'empty' | 'absent' | 'zero';
  /** Non-throttling errors: HTTP 200 with a non-zero code (today), or HTTP 4xx (400/401/403/404) with the same JSON envelope. */
  errorStatus: '200' | '4xx';
  /** Seller and creator order searches: no cap on create_time_lt - create_time_ge (today), or refused when it exceeds 90 days; an omitted create_time_ge counts from the owner's earliest order, an omitted create_time_lt from now. The refusal is code 36009004 with a message naming create_time and the 90-day limit. */
  orderRangeCap: 'none' | '90d';
  /** What an access token rotated away by a refresh answers: 105002 expired (today), 105001 "your token has been deauthorized", or 36009004 with a message naming the access token (e.g. "Invalid access_token / x-tts-access-token"). */
  rotatedAccessToken: '105002' | '105001' | '36009004';
  /** How the server signs a POST whose body is exactly `{}`: over the bytes (today), or as no body (the official Node SDK's way), so a client signing the bytes gets 106001. */
  emptyBodySigning: 'bytes' | 'none';
  /** Refresh grant_type accepted: both (today), only "refresh_token", only "authorized_code" (the other answers a param error). */
  refreshGrantType: 'lenient' | 'refresh_token' | 'authorized_code';
  /** Creator trace order search (202505): granted (today), or refused as an API the app was not granted (105005, missing scope), which TikTok does for apps without that package. */
  creatorTraceOrders: 'granted' | 'refused';
}

export const DEFAULT_QUIRKS: SandboxQuirks = Object.freeze({
  terminalPageToken: 'empty',
  errorStatus: '200',
  orderRangeCap: 'none',
  rotatedAccessToken: '105002',
  emptyBodySigning: 'bytes',
  refreshGrantType: 'lenient',
  creatorTraceOrders: 'granted',
});

type QuirkKey = keyof SandboxQuirks;

/** Every value of every switch, the default first. */
export const QUIRK_VALUES: { readonly [K in QuirkKey]: readonly SandboxQuirks[K][] } = {
  terminalPageToken: ['empty', 'absent', 'zero'],
  errorStatus: ['200', '4xx'],
  orderRangeCap: ['none', '90d'],
  rotatedAccessToken: ['105002', '105001', '36009004'],
  emptyBodySigning: ['bytes', 'none'],
  refreshGrantType: ['lenient', 'refresh_token', 'authorized_code'],
  creatorTraceOrders: ['granted', 'refused'],
};

const QUIRK_KEYS = Object.keys(QUIRK_VALUES) as QuirkKey[];

/** terminalPageToken -> terminal_page_token */
const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const KEY_BY_NAME = new Map<string, QuirkKey>(
  QUIRK_KEYS.flatMap((k) => [[snake(k), k] as const, [k, k] as const]),
);

function profileName(key: QuirkKey, value: string): string {
  return `${snake(key)}=${value}`;
}

/**
 * The profiles an end-to-end test iterates: one per non-default value of each switch, named by
 * its spec clause (e.g. "terminal_page_token=absent"), plus "all". "all" takes the first
 * non-default value of every switch: the switches concern unrelated parts of the API (paging,
 * HTTP status, order windows, token rotation, signing, refresh, the trace search's grant), so any
 * values coexist; a switch
 * with two non-default values (e.g. refresh_grant_type) contributes only one of them because a
 * switch holds one value at a time.
 */
export const QUIRK_PROFILES: readonly { name: string; quirks: Partial<SandboxQuirks> }[] = Object.freeze([
  ...QUIRK_KEYS.flatMap((key) =>
    QUIRK_VALUES[key].slice(1).map((value) => ({
      name: profileName(key, value),
      quirks: { [key]: value } as Partial<SandboxQuirks>,
    })),
  ),
  {
    name: 'all',
    quirks: Object.fromEntries(
      QUIRK_KEYS.map((key) => [key, QUIRK_VALUES[key][1]]),
    ) as Partial<SandboxQuirks>,
  },
]);

function fail(why: string): never {
  throw new Error(`quirks: ${why}`);
}

function known(): string {
  return QUIRK_KEYS.map((k) => `${snake(k)}=${QUIRK_VALUES[k].join('|')}`).join(', ');
}

function setValue(out: Partial<SandboxQuirks>, name: string, value: unknown): void {
  const key = KEY_BY_NAME.get(name);
  if (key === undefined) fail(`unknown switch "${name}" (known: ${known()})`);
  const allowed = QUIRK_VALUES[key] as readonly string[];
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(`${snake(key)} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
  (out as Record<string, string>)[key] = value;
}

/** "terminal_page_token=absent,error_status=4xx" or a profile name; throws a clear Error otherwise. */
export function parseQuirks(spec: string): Partial<SandboxQuirks> {
  const out: Partial<SandboxQuirks> = {};
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) {
      const profile = QUIRK_PROFILES.find((p) => p.name === item);
      if (!profile)
        fail(
          `"${item}" is neither key=value nor a profile name (profiles: ${QUIRK_PROFILES.map((p) => p.name).join(', ')})`,
        );
      Object.assign(out, profile.quirks);
      continue;
    }
    setValue(out, item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  return out;
}

/** Checks an object of switches (the control plane's `{quirks: {...}}`); throws a clear Error. */
export function validateQuirks(input: unknown): Partial<SandboxQuirks> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('quirks must be an object');
  const out: Partial<SandboxQuirks> = {};
  for (const [name, value] of Object.entries(input)) setValue(out, name, value);
  return out;
}

/** The defaults overridden by `partial`. */
export function resolveQuirks(partial: Partial<SandboxQuirks> = {}): SandboxQuirks {
  return { ...DEFAULT_QUIRKS, ...validateQuirks(partial) };
}

/** Only the switches that differ from the defaults, as a spec string ("" when none). */
export function describeQuirks(quirks: SandboxQuirks): string {
  return QUIRK_KEYS.filter((k) => quirks[k] !== DEFAULT_QUIRKS[k])
    .map((k) => profileName(k, quirks[k]))
    .join(',');
}
