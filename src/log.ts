/**
 * The program's logger: pino JSON lines with secrets removed (docs/architecture.md#invariant-7-no-secret-in-logs-or-errors).
 *
 * Two nets, both derived from SECRET_KEYS (src/core/secrets.ts):
 * 1. every value handed to a log call (message, merge object, child bindings, errors and their
 *    causes) is walked once: a property named like a secret becomes [REDACTED], and every string
 *    is passed through `scrubSecrets`, which removes `sign=`, `access_token=`... from URLs,
 *    headers and JSON text (docs/tiktok-api.md#common-parameters: the signature and app key travel in the query string;
 *    docs/tiktok-api.md#exchanging-an-auth-code: the auth code and app secret travel in the token URL);
 * 2. pino `redact` paths at several nesting depths, in case a value reaches the serializer some
 *    other way.
 */
import { pino } from 'pino';
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger } from 'pino';
import { REDACTED, SECRET_KEYS } from './core/secrets.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; default stdout. Tests pass a capturing stream. */
  destination?: DestinationStream;
  name?: string;
}

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS.map((k) => k.toLowerCase()));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const KEY_ALTERNATION = [...SECRET_KEYS]
  .sort((a, b) => b.length - a.length)
  .map(escapeRegExp)
  .join('|');

/** `?sign=abc&access_token=xyz` (query strings, form bodies). */
const QUERY_PAIR = new RegExp(`(^|[?&;\\s,'"(])(${KEY_ALTERNATION})=([^&#\\s'",;)]*)`, 'gi');
/** `"access_token":"xyz"` and `'access_token': 'xyz'` (JSON and inspected objects). */
const QUOTED_PAIR = new RegExp(
  `(["'])(${KEY_ALTERNATION})\\1(\\s*[:=]\\s*)(["'])((?:\\\\.|(?!\\4).)*)\\4`,
  'gi',
);
/** `x-tts-access-token: xyz`, `authorization: Bearer xyz` (headers in messages). */
const HEADER_PAIR = new RegExp(
  `(^|[\\s{,;(])(${KEY_ALTERNATION})(\\s*:\\s*)(?:(Bearer|Basic)\\s+)?(['"]?)([^\\s,;'"}]+)\\5`,
  'gi',
);
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/g;

/**
 * Removes secret values from free text (error messages, URLs, response bodies) while keeping the
 * parameter names, so the text still says *what* was sent.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(QUERY_PAIR, (_m, pre: string, key: string) => `${pre}${key}=${REDACTED}`)
    .replace(
      QUOTED_PAIR,
      (_m, q: string, key: string, sep: string, vq: string) => `${q}${key}${q}${sep}${vq}${REDACTED}${vq}`,
    )
    .replace(
      HEADER_PAIR,
      (_m, pre: string, key: string, sep: string, scheme: string | undefined, q: string) =>
        `${pre}${key}${sep}${scheme ? `${scheme} ` : ''}${q}${REDACTED}${q}`,
    )
    .replace(BEARER, `$1 ${REDACTED}`);
}

const MAX_DEPTH = 8;

/**
 * A log-safe copy of any value: secret-named properties replaced, strings scrubbed, errors turned
 * into plain objects (with their causes), cycles and excessive depth cut.
 */
export function scrubValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (value instanceof Error) return scrubValue(pino.stdSerializers.err(value), depth, seen);
  if (value instanceof Date) return value;
  if (value instanceof URL) return scrubSecrets(value.href);
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  // Objects that say how they serialize (Decimal, the redacted config...) are logged that way.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return scrubValue(toJSON.call(value), depth + 1, seen);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1, seen));
    const source = value instanceof Map ? Object.fromEntries(value) : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(source)) {
      out[key] =
        SECRET_KEY_SET.has(key.toLowerCase()) && v != null ? REDACTED : scrubValue(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** pino redact paths for every secret key at nesting depths 0-4 (second net). */
export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const leaf = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let depth = 0; depth <= 4; depth++) {
      const prefix = '*.'.repeat(depth);
      paths.push(leaf.startsWith('[') ? `${prefix.slice(0, -1)}${leaf}` : `${prefix}${leaf}`);
    }
  }
  return paths.filter((p) => !p.startsWith('['));
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
      },
      // Errors are already plain, scrubbed objects when they get here (logMethod below); pino's
      // own err serializer would re-wrap them and lose their type.
      serializers: { err: (value: unknown) => value },
      redact: { paths: redactPaths(), censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const safeRest = rest.map((a) => scrubValue(a));
          if (first instanceof Error) {
            const msg = typeof safeRest[0] === 'string' ? safeRest.shift() : scrubSecrets(first.message);
            return method.apply(this, [{ err: scrubValue(first) }, msg, ...safeRest] as Parameters<
              typeof method
            >);
          }
          return method.apply(this, [scrubValue(first), ...safeRest] as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return scrubChildBindings(logger);
}

/**
 * pino formats only the first level of child bindings (grandchildren skip the bindings
 * formatter), so `child()` itself is wrapped: bindings are scrubbed at every level.
 */
function scrubChildBindings(logger: Logger): Logger {
  const original = logger.child.bind(logger) as unknown as (
    bindings: Bindings,
    options?: ChildLoggerOptions,
  ) => Logger;
  const child = (bindings: Bindings, options?: ChildLoggerOptions) =>
    scrubChildBindings(original(scrubValue(bindings) as Bindings, options));
  (logger as unknown as { child: typeof child }).child = child;
  return logger;
}

/** A logger that drops everything (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * The last resort of a long-running process: an exception nobody caught, or a rejection nobody
 * handled, is a bug (dependency outages are handled where they happen). It is logged as one
 * structured line, then the process exits with code 1 rather than run on in an unknown state; a
 * supervisor restarts it. Returns a function that removes the handlers.
 */
export function installLastResort(
  log: Logger,
  target: {
    on(event: string, fn: (err: unknown) => void): unknown;
    off(event: string, fn: (err: unknown) => void): unknown;
  },
  exit: (code: number) => void,
): () => void {
  const fatal = (kind: 'uncaught_exception' | 'unhandled_rejection') => (err: unknown) => {
    log.fatal(
      { event: 'process_crash', kind, err: err instanceof Error ? err : String(err) },
      `${kind === 'uncaught_exception' ? 'uncaught exception' : 'unhandled rejection'}: exiting`,
    );
    exit(1);
  };
  const onException = fatal('uncaught_exception');
  const onRejection = fatal('unhandled_rejection');
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
