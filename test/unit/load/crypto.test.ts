import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSecretBox,
  DecryptionError,
  EncryptionKeyError,
  parseEncryptionKey,
} from '../../../src/load/crypto.ts';

const key = randomBytes(32);

describe('parseEncryptionKey', () => {
  it('accepts 32 bytes as hex, base64 and base64url', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(` ${key.toString('base64url')}\n`)).toEqual(key);
  });

  it('rejects other lengths and alphabets without echoing the value', () => {
    for (const bad of [
      '',
      'short',
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
      'z'.repeat(64),
    ]) {
      expect(() => parseEncryptionKey(bad)).toThrow(EncryptionKeyError);
    }
    try {
      parseEncryptionKey('secret-looking-value-123');
    } catch (error) {
      expect(String(error)).not.toContain('secret-looking-value-123');
    }
  });
});

describe('createSecretBox', () => {
  const box = createSecretBox({ key });

  it('round-trips any string and never shows the plaintext in the envelope', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (plain) => {
        const envelope = box.encrypt(plain);
        expect(box.decrypt(envelope)).toBe(plain);
        expect(envelope.startsWith(`v1.${box.keyId}.`)).toBe(true);
        if (plain.length >= 4) expect(envelope).not.toContain(plain);
      }),
    );
  });

  it('uses a fresh iv per encryption', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('detects tampering and foreign envelopes', () => {
    const envelope = box.encrypt('TTP_token');
    const parts = envelope.split('.');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[4] = data.toString('base64url');
    expect(() => box.decrypt(parts.join('.'))).toThrow(DecryptionError);
    expect(() => box.decrypt('plaintext-token')).toThrow(/not an encrypted credential/);
    expect(() => createSecretBox({ key: randomBytes(32) }).decrypt(envelope)).toThrow(
      /neither the current key/,
    );
  });

  it('decrypts with a previous key during rotation and flags such values as stale', () => {
    const old = createSecretBox({ key });
    const rotated = createSecretBox({
      key: randomBytes(32).toString('base64'),
      previousKeys: [key.toString('hex')],
    });
    const envelope = old.encrypt('TTP_refresh');
    expect(rotated.decrypt(envelope)).toBe('TTP_refresh');
    expect(rotated.isStale(envelope)).toBe(true);
    expect(rotated.isStale(rotated.encrypt('x'))).toBe(false);
  });
});
