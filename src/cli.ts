/**
 * The `affiliate-etl` entry (bin/affiliate-etl.js, `npm run cli`): the one edge that reads the
 * process environment (with `.env` under it) and sets the exit code.
 */
import { readEnv } from './config.ts';
import { isPlain } from './cli/context.ts';
import { runCli } from './cli/main.ts';

const env = readEnv(process.env, process.cwd());
const plain = isPlain(env, process.stdout);
process.exitCode = await runCli(process.argv.slice(2), {
  env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  plain,
  logFormat: process.stderr.isTTY ? 'pretty' : 'json',
});
