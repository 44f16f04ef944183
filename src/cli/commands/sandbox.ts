/**
 * `affiliate-etl sandbox`: runs the local TikTok Shop API simulator (src/sandbox) in the
 * foreground until Ctrl-C. Needs no configuration at all.
 */
import { type Command, Option } from 'commander';
import type { SandboxScale } from '../../sandbox/types.ts';
import { integerIn } from '../options.ts';

export interface SandboxCliOptions {
  host: string;
  port: number;
  seed: number;
  scale: SandboxScale;
  faults: string | undefined;
}

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
      // Loaded on use: the simulator and its dataset generator are not needed by other commands.
      const { runSandboxCli } = await import('../../sandbox/main.ts');
      await runSandboxCli({
        host: opts.host,
        port: opts.port,
        seed: opts.seed,
        scale: opts.scale,
        faults: opts.faults,
      });
    });
}
