/**
 * docs/architecture.md#invariant-7-no-secret-in-logs-or-errors: no token, secret or signature in any log line. Every secret kind
 * of src/core/secrets.ts is logged at several depths and in several shapes (properties, URLs,
 * headers, JSON text, error messages, causes, child bindings); the captured output holds none.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SECRET_KEYS } from '../../../src/core/secrets.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger, scrubSecrets, scrubValue } from '../../../src/log.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLogger({ level: 'trace', destination }), lines };
}

/** A distinct, greppable secret value per key. */
const secretFor = (key: string) => `S3CR3T-${key.replace(/[^A-Za-z]/g, '')}-v4lu3`;
const ALL_SECRETS = SECRET_KEYS.map(secretFor);

function expectClean(text: string): void {
  for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
}

describe('createLogger redaction', () => {
  it('redacts every secret key as a property at depths 0 to 5', () => {
    const { log, lines } = capture();
    for (const key of SECRET_KEYS) {
      let obj: Record<string, unknown> = { [key]: secretFor(key), keep: 'visible' };
      for (let depth = 0; depth <= 5; depth++) {
        log.info(obj, `depth ${depth}`);
        obj = { level1: obj };
      }
    }
    const out = lines.join('\n');
    expectClean(out);
    expect(out).toContain('visible');
    expect(lines).toHaveLength(SECRET_KEYS.length * 6);
    expect(out).toContain('[REDACTED]');
  });

  it('scrubs secrets inside URLs, headers and JSON text in messages and fields', () => {
    const { log, lines } = capture();
    const s = secretFor;
    const url = `https://open-api.tiktokglobalshop.com/affiliate_seller/202410/orders/search?app_key=k1&sign=${s('sign')}&timestamp=1&access_token=${s('access_token')}`;
    const tokenUrl = `https://auth.tiktok-shops.com/api/v2/token/get?app_key=k1&app_secret=${s('app_secret')}&auth_code=${s('auth_code')}&grant_type=authorized_code`;
    const refreshUrl = `https://auth.tiktok-shops.com/api/v2/token/refresh?app_key=k1&app_secret=${s('app_secret')}&refresh_token=${s('refresh_token')}&grant_type=refresh_token`;
    log.info({ url }, 'request');
    log.info(`GET ${tokenUrl} failed`);
    log.warn('retrying %s after %d ms', refreshUrl, 200);
    log.info({ requestLine: `x-tts-access-token: ${s('x-tts-access-token')}` }, 'headers');
    log.info({ header: `authorization: Bearer ${s('authorization')}` }, 'auth header');
    log.debug({
      body: JSON.stringify({ data: { access_token: s('access_token'), refresh_token: s('refresh_token') } }),
    });
    log.info({ list: [{ deep: { url: tokenUrl } }, new URL(url)] }, 'arrays and URL objects');
    const out = lines.join('\n');
    expectClean(out);
    expect(out).toContain('app_key=k1'); // non-secret parameters stay readable
    expect(out).toContain('grant_type=authorized_code');
  });

  it('scrubs errors: message, stack, cause chain and enumerable properties', () => {
    const { log, lines } = capture();
    const s = secretFor;
    const cause = new Error(`upstream said {"access_token":"${s('access_token')}"}`);
    const err = Object.assign(new Error(`POST /orders/search?sign=${s('sign')} failed`, { cause }), {
      request: {
        headers: {
          'x-tts-access-token': s('x-tts-access-token'),
          authorization: `Bearer ${s('authorization')}`,
        },
      },
      appSecret: s('appSecret'),
    });
    log.error(err);
    log.error({ err }, 'with a message');
    log.error({ context: { error: err } }, 'nested error');
    log.error(err, 'message %s', `auth_code=${s('auth_code')}`);
    const out = lines.join('\n');
    expectClean(out);
    expect(out).toContain('POST /orders/search?sign=[REDACTED] failed');
    expect(out).toContain('upstream said');
    const first = JSON.parse(lines[0]!) as { err: { type: string; stack: string } };
    expect(first.err.type).toBe('Error');
    expect(first.err.stack).toContain('caused by');
  });

  it('scrubs child logger bindings', () => {
    const { log, lines } = capture();
    const child = log.child({
      connectionId: 7,
      accessToken: secretFor('accessToken'),
      ctx: { refreshToken: secretFor('refreshToken') },
    });
    child.info('bound');
    child.child({ url: `?access_token=${secretFor('access_token')}` }).info('grandchild');
    const out = lines.join('\n');
    expectClean(out);
    expect(out).toContain('"connectionId":7');
  });

  it('survives cycles and very deep objects', () => {
    const { log, lines } = capture();
    const cyclic: Record<string, unknown> = { password: secretFor('password') };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { ETL_ENCRYPTION_KEY: secretFor('ETL_ENCRYPTION_KEY') };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    log.info({ cyclic, deep }, 'odd shapes');
    expect(lines).toHaveLength(1);
    expectClean(lines[0]!);
    expect(lines[0]).toContain('[Circular]');
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['?sign=abc123&x=1', '?sign=[REDACTED]&x=1'],
    ['a=1&access_token=tok.en-1&b=2', 'a=1&access_token=[REDACTED]&b=2'],
    ['{"refresh_token":"r1","x":"y"}', '{"refresh_token":"[REDACTED]","x":"y"}'],
    ["{ app_secret: 'shh' }", "{ app_secret: '[REDACTED]' }"],
    ['x-tts-access-token: abc', 'x-tts-access-token: [REDACTED]'],
    ['Authorization: Bearer abcdefgh', 'Authorization: Bearer [REDACTED]'],
    ['designer=ok&sign=x', 'designer=ok&sign=[REDACTED]'],
    ['nothing secret here', 'nothing secret here'],
  ])('%s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('logs objects the way they serialize themselves (e.g. the config, redacted)', () => {
    const config = loadConfig({
      TIKTOK_APP_SECRET: secretFor('app_secret'),
      DATABASE_URL: 'postgres://u:pw-x1@h/db',
    });
    const { log, lines } = capture();
    log.info({ config }, 'config');
    expectClean(lines.join('\n'));
    expect(lines[0]).not.toContain('pw-x1');
    expect(lines[0]).toContain('"rateLimitPerSecond":50');
  });

  it('keeps non-string values as they are', () => {
    const when = new Date(0);
    expect(scrubValue({ n: 1, b: true, when, none: null })).toEqual({ n: 1, b: true, when, none: null });
  });
});
