import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatLogLine, humanLogStream } from '../../../src/cli/human-log.ts';
import { formatDuration, runSteps, StepFailedError } from '../../../src/cli/steps.ts';

function sink() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { out, text: () => text };
}

describe('runSteps', () => {
  const clock = () => {
    let t = 0;
    return () => (t += 250);
  };

  it('prints numbered plain lines for CI and pipes', async () => {
    const { out, text } = sink();
    const state = { seen: [] as string[] };
    await runSteps(
      [
        { title: 'First', run: async (s) => void s.seen.push('a') },
        {
          title: 'Second',
          run: async (s) => {
            s.seen.push('b');
            return '2 things';
          },
        },
      ],
      state,
      { out, plain: true, name: 'demo', now: clock() },
    );
    expect(state.seen).toEqual(['a', 'b']);
    expect(text()).toBe(
      '[demo 1/2] First ...\n[demo 1/2] done in 250 ms\n[demo 2/2] Second ...\n[demo 2/2] done in 250 ms: 2 things\n',
    );
  });

  it('prints compact lines on a terminal', async () => {
    const { out, text } = sink();
    await runSteps(
      [{ title: 'Only', run: async () => 'ok' }],
      {},
      { out, plain: false, name: 'demo', now: clock() },
    );
    expect(text()).toBe('▸ Only\n✔ Only (250 ms): ok\n');
  });

  it('stops at the first failing step and names it', async () => {
    const { out, text } = sink();
    let ranThird = false;
    const err = await runSteps(
      [
        { title: 'One', run: async () => undefined },
        {
          title: 'Two',
          run: async () => {
            throw new Error('boom');
          },
        },
        {
          title: 'Three',
          run: async () => {
            ranThird = true;
            return undefined;
          },
        },
      ],
      {},
      { out, plain: true, name: 'x' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailedError);
    expect((err as StepFailedError).message).toBe('Two failed: boom');
    expect((err as StepFailedError).step).toBe('Two');
    expect(ranThird).toBe(false);
    expect(text()).toContain('[x 2/3] FAILED: Two\n');
  });

  it('formats durations', () => {
    expect(formatDuration(12)).toBe('12 ms');
    expect(formatDuration(1_234)).toBe('1.2 s');
  });
});

describe('human log lines', () => {
  it('turns JSON log lines into short readable lines', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-11-21T12:00:01.123Z', msg: 'hello', extra: 1 });
    expect(formatLogLine(line)).toBe('12:00:01 INFO  hello');
    const withErr = JSON.stringify({
      level: 'error',
      time: '2026-11-21T12:00:02Z',
      msg: 'failed',
      err: { message: 'why' },
    });
    expect(formatLogLine(withErr)).toBe('12:00:02 ERROR failed (why)');
    expect(formatLogLine('not json')).toBe('not json');
  });

  it('splits chunks on newlines and flushes the tail', async () => {
    const { out, text } = sink();
    const stream = humanLogStream(out);
    const a = JSON.stringify({ level: 'warn', time: '2026-11-21T00:00:00Z', msg: 'a' });
    const b = JSON.stringify({ level: 'debug', time: '2026-11-21T00:00:01Z', msg: 'b' });
    stream.write(`${a}\n${b.slice(0, 10)}`);
    stream.write(`${b.slice(10)}`);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(text()).toBe('00:00:00 WARN  a\n00:00:01 DEBUG b\n');
  });
});
