/**
 * Runs the CLI and turns every outcome into README.md#commands's exit codes: 0 success, 1 failure,
 * 2 bad usage (commander) or bad configuration (ConfigError). Error text is scrubbed of secrets
 * before it is printed.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { scrubSecrets } from '../log.ts';
import type { CliContext } from './context.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { buildProgram } from './program.ts';
import { StepFailedError } from './steps.ts';

/** `argv` without the node and script entries, e.g. ['migrate']. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    return exitCodeFor(err, ctx);
  }
}

function exitCodeFor(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // Help and version end "successfully"; every other commander error is a usage error, already
    // printed by commander itself. (Bare `affiliate-etl` shows help as an error: usage too.)
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    return EXIT_USAGE;
  }
  const root = err instanceof StepFailedError ? err.cause : err;
  if (root instanceof ConfigError) {
    ctx.stderr.write(`${scrubSecrets(root.message)}\n`);
    return EXIT_USAGE;
  }
  if (root instanceof CliError) {
    ctx.stderr.write(`${scrubSecrets(root.message)}\n`);
    return root.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.stderr.write(`error: ${scrubSecrets(message)}\n`);
  return EXIT_FAILURE;
}
