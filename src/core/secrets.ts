/**
 * Field names that carry secrets anywhere in the program: API payloads, config, errors, logs.
 * The logger's redaction paths and the error classes' scrubbing both derive from this one list.
 */
export const SECRET_KEYS = [
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'app_secret',
  'appSecret',
  'sign',
  'auth_code',
  'authCode',
  'x-tts-access-token',
  'authorization',
  'password',
  'encryptionKey',
  'ETL_ENCRYPTION_KEY',
  'TIKTOK_APP_SECRET',
] as const;

export const REDACTED = '[REDACTED]';
