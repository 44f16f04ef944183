/**
 * The log line of a list read again from its first page after a rejected or repeated page token
 * (src/extract/restart.ts): a warning an operator can count, never the token itself.
 */
import type { RestartInfo } from '../extract/restart.ts';
import type { StreamRun } from './stream-run.ts';

export function logPageTokenRestart(run: Pick<StreamRun, 'log'>, owner: string): (info: RestartInfo) => void {
  return (info) =>
    run.log.warn(
      { event: 'list_restart', owner, list: info.what, reason: info.reason, restarts: info.restarts },
      'page token rejected or repeated: reading the list again from its first page',
    );
}
