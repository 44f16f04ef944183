/**
 * `affiliate-etl sandbox`: runs the local TikTok Shop API simulator (src/sandbox) in the
 * foreground until Ctrl-C. Needs no configuration at all.
 */
import { type Command, Option } from 'commander';
import type { SandboxScale } from '../../sandbox/types.ts';
import { CliError, EXIT_FAILURE } from '../exit-codes.ts';
import { integerIn } from '../options.ts';

export interface SandboxCliOptions {
  host: string;
  port: number;
  seed: number;
  scale: SandboxScale;
  faults: string | undefined;
}

type RunSandboxCli = (opts: SandboxCliOptions) => Promise<unknown>;

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('run the local TikTok Shop API simulator (prints its URL and test credentials)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', integerIn(0, 65_535), 8_787)
    .option(
      '--seed <n>',
      'seed of the generated dataset (same seed, same data)',
      integerIn(0, 2 ** 31 - 1),
      1,
    )
    .addOption(
      new Option('--scale <scale>', 'dataset size')
        .choices(['tiny', 'small', 'medium', 'large'])
        .default('small'),
    )
    .option(
      '--faults <spec>',
      'fault injection, e.g. "orders:5xx=0.1;429_burst=0.05" (see src/sandbox/faults.ts)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ affiliate-etl sandbox\n  $ affiliate-etl sandbox --port 9000 --scale medium --seed 7\n  $ affiliate-etl sandbox --faults "orders:5xx=0.2"',
    )
    .action(async (opts: SandboxCliOptions) => {
      const run = await loadRunner();
      await run({
        host: opts.host,
        port: opts.port,
        seed: opts.seed,
        scale: opts.scale,
        faults: opts.faults,
      });
    });
}

async function loadRunner(): Promise<RunSandboxCli> {
  const specifier = '../../sandbox/main.ts';
  let mod: { runSandboxCli?: RunSandboxCli };
  try {
    mod = (await import(specifier)) as { runSandboxCli?: RunSandboxCli };
  } catch (err) {
    throw new CliError(
      `The sandbox could not be loaded (src/sandbox/main.ts): ${(err as Error).message}`,
      EXIT_FAILURE,
    );
  }
  if (typeof mod.runSandboxCli !== 'function') {
    throw new CliError('src/sandbox/main.ts does not export runSandboxCli()', EXIT_FAILURE);
  }
  return mod.runSandboxCli;
}
