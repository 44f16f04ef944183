/**
 * `affiliate-etl sandbox`: runs the local TikTok Shop API simulator (src/sandbox) in the
 * foreground until Ctrl-C. Needs no configuration at all.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
// Both parsers are small pure modules: a bad spec is then a usage error (exit 2) before anything
// starts, while the simulator itself stays loaded on use.
import { parseFaultSpec } from '../../../sandbox/faults.ts';
import { parseQuirks } from '../../../sandbox/quirks.ts';
import type { SandboxScale } from '../../../sandbox/types.ts';
import { integerIn } from '../../options.ts';

export interface SandboxCliOptions {
  host: string;
  port: number;
  seed: number;
  scale: SandboxScale;
  faults: string | undefined;
  quirks: string | undefined;
  redirectUrl: string | undefined;
}

/** Every spec shown in the help below; a unit test runs each through its parser. */
export const SANDBOX_HELP_SPECS = {
  faults: [
    'orders:5xx=0.1;429burst=0.05x20',
    'orders:5xx=0.2',
    'seller_orders:page_token_expired=once;retry_after=2',
  ],
  quirks: ['terminal_page_token=absent,error_status=4xx', 'all'],
} as const;

/** Returns the spec unchanged once `parse` accepted it; its error becomes a usage error. */
function checked(parse: (spec: string) => unknown): (value: string) => string {
  return (value) => {
    try {
      parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    return value;
  };
}

const [FAULTS_EG, FAULTS_2, FAULTS_3] = SANDBOX_HELP_SPECS.faults;
const [QUIRKS_EG, QUIRKS_ALL] = SANDBOX_HELP_SPECS.quirks;

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
      `fault injection, ";"-separated [scope:]kind=value clauses, e.g. "${FAULTS_EG}" (see docs/sandbox.md)`,
      checked(parseFaultSpec),
    )
    .option(
      '--quirks <spec>',
      'answers to what the API docs leave open, ","-separated switch=value items or a profile name, ' +
        `e.g. "${QUIRKS_EG}" or "${QUIRKS_ALL}" (switches: terminal_page_token, error_status, ` +
        'order_range_cap, rotated_access_token, empty_body_signing, refresh_grant_type, ' +
        'creator_trace_orders (refused = the app is not granted the creator trace order search); see docs/sandbox.md)',
      checked(parseQuirks),
    )
    .option(
      '--redirect-url <url>',
      "the app's redirect URL: where its consent page sends the browser with the auth code (affiliate-etl connections authorize listens there)",
      'http://localhost:8000/',
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ affiliate-etl sandbox',
        '  $ affiliate-etl sandbox --port 9000 --scale medium --seed 7',
        `  $ affiliate-etl sandbox --faults "${FAULTS_2}"`,
        `  $ affiliate-etl sandbox --faults "${FAULTS_3}"`,
        `  $ affiliate-etl sandbox --quirks "${QUIRKS_EG}"`,
        `  $ affiliate-etl sandbox --quirks ${QUIRKS_ALL} --faults "${FAULTS_EG}"`,
      ].join('\n'),
    )
    .action(async (opts: SandboxCliOptions) => {
      // Loaded on use: the simulator and its dataset generator are not needed by other commands.
      const { runSandboxCli } = await import('../../../sandbox/main.ts');
      await runSandboxCli({
        host: opts.host,
        port: opts.port,
        seed: opts.seed,
        scale: opts.scale,
        faults: opts.faults,
        quirks: opts.quirks,
        redirectUrl: opts.redirectUrl,
      });
    });
}
