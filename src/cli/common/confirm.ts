/**
 * Confirmation of destructive commands: `--yes` confirms; otherwise the question is asked on the
 * terminal, and without a terminal to ask on (a script, cron, CI) the command refuses with exit 2
 * rather than delete on its own.
 */
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../context.ts';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit-codes.ts';

export async function confirmOrRefuse(
  ctx: CliContext,
  what: { question: string; yesFlag: string; refusal: string },
  yes: boolean,
): Promise<void> {
  if (yes) return;
  const stdin = ctx.stdin;
  if (!stdin?.isTTY || !ctx.stderr.isTTY) {
    throw new CliError(
      `${what.refusal} Pass ${what.yesFlag} to confirm (no terminal to ask on).`,
      EXIT_USAGE,
    );
  }
  const rl = createInterface({ input: stdin, output: ctx.stderr });
  try {
    const answer = (await rl.question(`${what.question} [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes')
      throw new CliError('Cancelled: nothing was changed.', EXIT_FAILURE);
  } finally {
    rl.close();
  }
}
