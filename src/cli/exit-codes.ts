/** Exit codes of CONTRIBUTING.md#stable-names: operators' scripts and cron jobs branch on them. */
export const EXIT_OK = 0;
/** A sync, a check or a command failed. */
export const EXIT_FAILURE = 1;
/** Bad usage or configuration: fix the command line or the environment, then run again. */
export const EXIT_USAGE = 2;

/** An error that already says what to do; printed as is and mapped to its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}
