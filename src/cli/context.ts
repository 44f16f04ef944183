/**
 * What every command receives from the edge (src/cli.ts): the environment (process env over
 * `.env`), output streams, and how to build its logger. Commands never read process.env.
 */
import type { Readable, Writable } from 'node:stream';
import type { Env } from '../config.ts';
import { createLogger } from '../log.ts';
import type { Logger } from '../log.ts';
import { humanLogStream } from './human-log.ts';

export type LogFormat = 'json' | 'pretty';

export interface CliContext {
  env: Env;
  cwd: string;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Where a destructive command asks for confirmation, when it is a terminal (absent in tests). */
  stdin?: Readable & { isTTY?: boolean };
  /** Plain progress lines instead of in-place updates (not a TTY, or CI=true). */
  plain: boolean;
  logFormat: LogFormat;
}

/** Command loggers write to stderr, so stdout carries only the command's result. */
export function commandLogger(ctx: CliContext, level: string, name?: string): Logger {
  const destination = ctx.logFormat === 'pretty' ? humanLogStream(ctx.stderr) : ctx.stderr;
  return createLogger({ level, destination, ...(name ? { name } : {}) });
}

export function isPlain(env: Env, stream: { isTTY?: boolean }): boolean {
  return !stream.isTTY || /^(1|true|yes)$/i.test(env.CI ?? '');
}
