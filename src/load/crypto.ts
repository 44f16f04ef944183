/**
 * Credentials at rest (docs/architecture.md#invariant-8-credentials-encrypted-refreshed-once): AES-256-GCM with ETL_ENCRYPTION_KEY.
 *
 * Envelope: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is the first 12 hex
 * chars of sha256(key): it names the key without revealing it, so during a rotation values written
 * with the previous key are still decrypted (and reencryptAll moves them to the current one).
 * Errors never include plaintext, ciphertext or key material.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const AAD = Buffer.from('affiliate-etl/credential/v1');

export class EncryptionKeyError extends Error {
  override name = 'EncryptionKeyError';
}

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/**
 * The stored value names a key that is neither ETL_ENCRYPTION_KEY nor ETL_ENCRYPTION_KEY_PREVIOUS:
 * the process runs with the wrong key. No retry can fix that, and it concerns every connection, so
 * the engine fails the run at once and the CLI reports it as a configuration error.
 */
export class EncryptionKeyMismatchError extends DecryptionError {
  override name = 'EncryptionKeyMismatchError';
  constructor(
    readonly storedKeyId: string,
    readonly currentKeyId: string,
  ) {
    super(
      `credential was encrypted with key ${storedKeyId}, which is neither the current key (${currentKeyId}) nor a configured ` +
        'previous key (ETL_ENCRYPTION_KEY_PREVIOUS)',
    );
  }
}

export interface SecretBox {
  /** Id of the current key (safe to log). */
  readonly keyId: string;
  encrypt(plaintext: string): string;
  decrypt(envelope: string): string;
  /** True when the envelope was written with another key than the current one. */
  isStale(envelope: string): boolean;
}

/** A 32-byte key given as base64 (standard or url) or hex (README.md#configuration ETL_ENCRYPTION_KEY). */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (key.length === 32) return key;
  }
  throw new EncryptionKeyError(
    'ETL_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or 44 base64 characters ' +
      '(generate one with: openssl rand -base64 32)',
  );
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');

export function createSecretBox(opts: {
  key: string | Buffer;
  previousKeys?: readonly (string | Buffer)[];
}): SecretBox {
  const toKey = (k: string | Buffer) => (typeof k === 'string' ? parseEncryptionKey(k) : checkLength(k));
  const current = toKey(opts.key);
  const keyId = keyIdOf(current);
  const keys = new Map<string, Buffer>([[keyId, current]]);
  for (const previous of opts.previousKeys ?? []) {
    const key = toKey(previous);
    if (!keys.has(keyIdOf(key))) keys.set(keyIdOf(key), key);
  }

  function parse(envelope: string) {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION)
      throw new DecryptionError('not an encrypted credential envelope (v1)');
    const [, id, iv, tag, data] = parts as [string, string, string, string, string];
    return {
      id,
      iv: Buffer.from(iv, 'base64url'),
      tag: Buffer.from(tag, 'base64url'),
      data: Buffer.from(data, 'base64url'),
    };
  }

  return {
    keyId,
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(AAD);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, b64(iv), b64(cipher.getAuthTag()), b64(data)].join('.');
    },
    decrypt(envelope) {
      const { id, iv, tag, data } = parse(envelope);
      const key = keys.get(id);
      if (!key) throw new EncryptionKeyMismatchError(id, keyId);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(AAD);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError(`credential failed authentication with key ${id} (tampered or corrupt)`);
      }
    },
    isStale(envelope) {
      return parse(envelope).id !== keyId;
    },
  };
}

function checkLength(key: Buffer): Buffer {
  if (key.length !== 32) throw new EncryptionKeyError(`encryption key must be 32 bytes, got ${key.length}`);
  return key;
}
