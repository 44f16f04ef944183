/**
 * Turns the logger's JSON lines into short human lines for interactive use:
 * `12:00:01 INFO  services: postgres from local: PG 15 on 127.0.0.1:41091, ready in 1127 ms`.
 * Redaction already happened in the logger, before the line reaches this stream.
 */
import { Writable } from 'node:stream';

const LABEL: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = LABEL[String(entry.level)] ?? String(entry.level ?? '').toUpperCase();
  const err = entry.err as { message?: unknown } | undefined;
  const message = String(entry.msg ?? '');
  const errText =
    err && typeof err.message === 'string' && err.message !== message ? ` (${err.message})` : '';
  return `${time} ${level} ${message}${errText}`;
}

export function humanLogStream(out: Writable): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, callback) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) out.write(`${formatLogLine(line)}\n`);
      callback();
    },
    final(callback) {
      if (pending.trim()) out.write(`${formatLogLine(pending)}\n`);
      callback();
    },
  });
}
