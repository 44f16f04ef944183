import { describe, expect, it } from 'vitest';
import { computeSign, stringToSign, verifySign } from '../../../src/tiktok/sign.ts';

// Test vectors of docs/tiktok-api.md#test-vectors.
describe('request signing (docs/tiktok-api.md#signing)', () => {
  it('vector A: official guide, GET /authorization/202309/shops', () => {
    const query = { app_key: '29a39d', timestamp: '1623812664' };
    expect(stringToSign('/authorization/202309/shops', query, null)).toBe(
      '/authorization/202309/shopsapp_key29a39dtimestamp1623812664',
    );
    expect(computeSign('e59af819cc', '/authorization/202309/shops', query, null)).toBe(
      'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8',
    );
  });

  it('vector B: S-PHP unit test', () => {
    expect(computeSign('app_secret', '/test-api', { foo: 'bar' }, null)).toBe(
      'd3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f',
    );
  });

  it('vector C: POST with raw body; access_token excluded, keys sorted', () => {
    const url = new URL(
      'https://x/affiliate_seller/202410/orders/search?app_key=29a39d&timestamp=1623812664&shop_cipher=ROW_RHkDDABBAAB8tKAVoAqsMTjsQZFLyNfY&page_size=20&access_token=IGNORED',
    );
    const body = '{"create_time_ge":1719807456,"create_time_lt":1722485856}';
    expect(computeSign('e59af819cc', url.pathname, url.searchParams, body)).toBe(
      '31b4e72924bace1b389683136b5b634691fa67991c6bc0b10ea0cdfe853288a9',
    );
  });

  it('ignores an existing sign parameter and verifies in constant time', () => {
    const query = new URLSearchParams({ app_key: '29a39d', timestamp: '1623812664' });
    const sign = computeSign('e59af819cc', '/authorization/202309/shops', query, null);
    query.set('sign', sign);
    expect(verifySign('e59af819cc', '/authorization/202309/shops', query, null, sign)).toBe(true);
  });

  it('rejects a signature when a single byte of the body changes', () => {
    const body = '{"create_time_ge":1719807456}';
    const sign = computeSign('s', '/p', { app_key: 'a' }, body);
    expect(verifySign('s', '/p', { app_key: 'a' }, body.replace('6}', '7}'), sign)).toBe(false);
    expect(verifySign('s', '/p', { app_key: 'a' }, body, sign.slice(0, -1))).toBe(false);
  });
});
