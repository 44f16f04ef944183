/**
 * The exit code of `sync` and `backfill`, from what ran and what could not: 0 only when every selected
 * (connection, stream) succeeded; 1 when any failed, was skipped, or was blocked because its
 * connection needs re-authorization; 2 when the runs failed because ETL_ENCRYPTION_KEY is not the
 * key the connections were stored with (a configuration error: nothing runs until it is fixed).
 * What an operator disabled is not counted.
 */
import type { TakeoverEvent } from '../../jobs/index.ts';
import type { RunSummary } from '../../jobs/run-summary.ts';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit-codes.ts';
import type { BlockedPair } from './selection.ts';

export const KEY_MISMATCH_MESSAGE =
  'ETL_ENCRYPTION_KEY does not match the key the connections were encrypted with, so their credentials ' +
  'cannot be decrypted and nothing was synced.\n' +
  'What to do: run with the key the connections were stored with. If you are rotating keys, set the new ' +
  'key as ETL_ENCRYPTION_KEY and the old one as ETL_ENCRYPTION_KEY_PREVIOUS: credentials stored with ' +
  'either key are then read. If the old key is lost, add the connections again (affiliate-etl connections add).';

export function keyMismatchIn(summaries: readonly Pick<RunSummary, 'errorClass'>[]): boolean {
  return summaries.some((s) => s.errorClass === 'EncryptionKeyMismatchError');
}

/** Throws the CliError the command must end with; returns when everything selected succeeded. */
export function checkOutcome(
  summaries: readonly RunSummary[],
  blocked: readonly BlockedPair[],
  what: { one: string; many: string; retry: string },
): void {
  if (keyMismatchIn(summaries)) throw new CliError(KEY_MISMATCH_MESSAGE, EXIT_USAGE);
  const failed = summaries.filter((s) => s.status !== 'succeeded').length;
  const total = failed + blocked.length;
  if (total === 0) return;
  const parts = [
    ...(failed > 0 ? [`${failed} did not succeed (see the table above)`] : []),
    ...(blocked.length > 0 ? [`${blocked.length} blocked: the connection needs re-authorization`] : []),
  ];
  throw new CliError(
    `${total} ${total === 1 ? what.one : what.many} did not sync: ${parts.join('; ')}.${failed > 0 ? ` ${what.retry}` : ''}`,
    EXIT_FAILURE,
  );
}

/** The line printed when this process takes over jobs from a worker that stopped or died. */
export function takeoverMessage(t: TakeoverEvent, what: 'sync' | 'backfill'): string {
  const n = `${t.jobs} ${what}${t.jobs === 1 ? '' : 's'}`;
  const why =
    t.workers === 0
      ? 'no worker is connected any more'
      : 'the worker holding them stopped renewing their locks (it died or hangs)';
  return `${n} had no live worker for ${(t.orphanedForMs / 1000).toFixed(1)} s (${why}): running ${t.jobs === 1 ? 'it' : 'them'} in this process.`;
}
