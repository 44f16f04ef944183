/**
 * The restart policy of list walks: a rejected or repeated page token re-reads the list, for as long
 * as the restarts get further; attempts in a row that do not get further end the walk.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_STALLED_RESTARTS,
  PageTokenStalledError,
  RestartPolicy,
  restartablePages,
} from '../../../src/extract/restart.ts';
import { InvalidRequestError, TransientError } from '../../../src/tiktok/errors.ts';
import type { Page } from '../../../src/tiktok/types.ts';

const init = { endpoint: 'e', code: 36009004, httpStatus: 200, requestId: 'r', detail: 'invalid page_token' };
const rejected = () => new InvalidRequestError({ ...init, pageTokenRejected: true });

/** A list of `n` pages whose token `t<i>` fails when `fail(i, attempt)` says so. */
function list(n: number, fail: (index: number, attempt: number) => boolean) {
  const requests: (string | undefined)[] = [];
  let attempt = 0;
  const fetch = async (token: string | undefined): Promise<Page<number>> => {
    requests.push(token);
    const index = token === undefined ? 0 : Number(token.slice(1));
    if (index === 0) attempt += 1;
    if (token !== undefined && fail(index, attempt)) throw rejected();
    return {
      records: [index],
      nextPageToken: index + 1 < n ? `t${index + 1}` : '',
      totalCount: null,
      requestId: 'r',
    };
  };
  return { fetch, requests };
}

async function collect(walk: AsyncIterable<{ records: number[] }>): Promise<number[]> {
  const out: number[] = [];
  for await (const p of walk) out.push(...p.records);
  return out;
}

describe('RestartPolicy', () => {
  it('never gives up while each restart gets further', () => {
    const p = new RestartPolicy(2);
    for (let i = 0; i < 50; i++) {
      p.reached(i);
      expect(p.failed()).toBe(true);
    }
    expect(p.restarts).toBe(50);
  });

  it('gives up after maxStalled restarts in a row that get no further', () => {
    const p = new RestartPolicy(3);
    p.reached(0);
    p.reached(4);
    expect([p.failed(), p.failed(), p.failed(), p.failed()]).toEqual([true, true, true, false]);
    expect(p.furthestPage).toBe(5);
  });

  it('a restart that gets further forgives the stalls before it', () => {
    const p = new RestartPolicy(2);
    p.reached(1);
    expect([p.failed(), p.failed()]).toEqual([true, true]);
    p.reached(2);
    expect([p.failed(), p.failed(), p.failed()]).toEqual([true, true, false]);
  });
});

describe('restartablePages', () => {
  it('re-reads the list from its first page after a rejected token and completes', async () => {
    const { fetch, requests } = list(4, (i, attempt) => i === 2 && attempt === 1);
    const restarts: number[] = [];
    const got = await collect(
      restartablePages(fetch, { what: 'x', onRestart: (r) => restarts.push(r.restarts) }),
    );
    expect(got).toEqual([0, 1, 0, 1, 2, 3]);
    expect(requests).toEqual([undefined, 't1', 't2', undefined, 't1', 't2', 't3']);
    expect(restarts).toEqual([1]);
  });

  it('completes a long list whose tokens fail often, as long as the walk keeps getting further', async () => {
    // Attempt k fails at page k + 1: 15 restarts, each one page further than the last.
    const { fetch } = list(16, (i, attempt) => i === attempt);
    const got = await collect(restartablePages(fetch, { what: 'x', maxStalled: 1 }));
    expect(new Set(got).size).toBe(16);
  });

  it('ends with a PageTokenStalledError when the token always fails at the same page', async () => {
    const { fetch, requests } = list(5, (i) => i === 1);
    const err = await collect(restartablePages(fetch, { what: 'the list' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PageTokenStalledError);
    expect((err as Error).message).toMatch(/page token of the list.*not a problem with the app key/s);
    expect(requests.filter((t) => t === undefined)).toHaveLength(MAX_STALLED_RESTARTS + 1);
  });

  it('any other failure is not a restart', async () => {
    let calls = 0;
    const fetch = async (): Promise<Page<number>> => {
      calls += 1;
      throw new TransientError({ ...init, code: 36009003, detail: 'busy' });
    };
    await expect(collect(restartablePages(fetch, { what: 'x' }))).rejects.toThrow(/busy/);
    expect(calls).toBe(1);
  });
});
