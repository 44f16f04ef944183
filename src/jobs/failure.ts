/**
 * Which failures are permanent (docs/architecture.md#retry-layers): the job boundary turns them into
 * BullMQ's UnrecoverableError so they fail fast and mark the stream; everything else is left to
 * BullMQ `attempts` + backoff. HTTP-level retries already happened inside the client: this layer
 * never retries an HTTP call itself. Errors are matched by `name` as well as class (BullMQ style),
 * so the check survives duplicated module instances.
 */
import type { RunSummary } from './run-summary.ts';

/**
 * Names of errors no retry can fix: bad signature / request, missing scope, revoked token, drift, and
 * stored credentials this process cannot decrypt (wrong ETL_ENCRYPTION_KEY, or a corrupt value):
 * retrying those only delays the report by the whole backoff schedule.
 */
const PERMANENT = new Set([
  'TokenRevokedError',
  'PermissionError',
  'InvalidRequestError',
  'ResponseShapeError',
  'ConnectionSetupError',
  'ConnectionUnavailableError',
  'DecryptionError',
  'EncryptionKeyMismatchError',
]);

/** The stored credentials cannot be decrypted with the configured key(s). */
export function isCredentialDecryptionFailure(err: unknown): boolean {
  const name = errorName(err);
  return name === 'DecryptionError' || name === 'EncryptionKeyMismatchError';
}

export function errorName(err: unknown): string {
  if (err instanceof Error) return err.name || 'Error';
  return typeof err;
}

export function isPermanentFailure(err: unknown): boolean {
  return PERMANENT.has(errorName(err));
}

export function needsReauthorization(err: unknown): boolean {
  return errorName(err) === 'TokenRevokedError';
}

/** A message safe for logs, sync_runs and the job record: the API errors are scrubbed at birth. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** The connection cannot be synced right now (disabled, re-authorization pending, unknown id). */
export class ConnectionUnavailableError extends Error {
  override readonly name = 'ConnectionUnavailableError';
}

/** Thrown by runSync after the run was recorded as failed; carries the run's summary. */
export class SyncRunError extends Error {
  override readonly name = 'SyncRunError';
  constructor(
    readonly summary: RunSummary,
    override readonly cause: unknown,
  ) {
    super(
      `${summary.stream} for connection ${summary.connectionId} failed: ${summary.errorClass}: ${summary.errorMessage}`,
    );
  }
  get permanent(): boolean {
    return isPermanentFailure(this.cause);
  }
}
