import { describe, expect, it } from 'vitest';
import { pages, prefetchOne, RepeatedPageTokenError } from '../../../src/extract/paginate.ts';
import type { Page } from '../../../src/tiktok/types.ts';

function page(records: number[], next: string | null): Page<number> {
  return { records, nextPageToken: next, totalCount: null, requestId: 'r' };
}

/** A fake API over a fixed list of pages keyed by the token that requests them. */
function fakeApi(byToken: Record<string, Page<number>>) {
  const calls: (string | undefined)[] = [];
  const fetch = async (token: string | undefined) => {
    calls.push(token);
    const p = byToken[token ?? ''];
    if (!p) throw new Error(`unknown token ${token}`);
    return p;
  };
  return { fetch, calls };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('pages()', () => {
  it('walks until the token is null, one request per page, marking the last page', async () => {
    const api = fakeApi({ '': page([1, 2], 'a'), a: page([3], 'b'), b: page([4], null) });
    const got = await collect(pages(api.fetch));
    expect(got.map((p) => p.records)).toEqual([[1, 2], [3], [4]]);
    expect(got.map((p) => p.pageToken)).toEqual([undefined, 'a', 'b']);
    expect(got.map((p) => p.last)).toEqual([false, false, true]);
    expect(api.calls).toEqual([undefined, 'a', 'b']);
  });

  it('stops on an empty page even when a token is returned', async () => {
    const api = fakeApi({ '': page([1], 'x'), x: page([], 'y') });
    const got = await collect(pages(api.fetch));
    expect(got.map((p) => p.records)).toEqual([[1], []]);
    expect(api.calls).toEqual([undefined, 'x']);
  });

  it('stops on a "0" token without asking for the empty page it would answer', async () => {
    const api = fakeApi({ '': page([1], 'a'), a: page([2], '0'), '0': page([], '0') });
    const got = await collect(pages(api.fetch));
    expect(got.map((p) => p.records)).toEqual([[1], [2]]);
    expect(got.map((p) => p.last)).toEqual([false, true]);
    expect(api.calls).toEqual([undefined, 'a']);
  });

  it('stops on an empty-string token', async () => {
    const api = fakeApi({ '': page([1], '') });
    expect((await collect(pages(api.fetch))).length).toBe(1);
  });

  it('throws on a repeated token instead of looping forever', async () => {
    const api = fakeApi({ '': page([1], 'a'), a: page([2], 'b'), b: page([3], 'a') });
    await expect(collect(pages(api.fetch))).rejects.toBeInstanceOf(RepeatedPageTokenError);
    expect(api.calls).toEqual([undefined, 'a', 'b']);
  });

  it('treats the start token as seen and resumes from it', async () => {
    const api = fakeApi({ a: page([2], 'b'), b: page([3], 'a') });
    await expect(collect(pages(api.fetch, { startToken: 'a' }))).rejects.toThrow(/already returned/);
    const ok = fakeApi({ b: page([3], null) });
    expect((await collect(pages(ok.fetch, { startToken: 'b' }))).map((p) => p.records)).toEqual([[3]]);
  });

  it('allows early exit and never requests a page that is not consumed', async () => {
    const api = fakeApi({ '': page([1], 'a'), a: page([2], 'b'), b: page([3], null) });
    for await (const p of pages(api.fetch)) {
      if (p.index === 0) break;
    }
    expect(api.calls).toEqual([undefined]);
  });

  it('honours an aborted signal before each request', async () => {
    const api = fakeApi({ '': page([1], 'a'), a: page([2], null) });
    const ac = new AbortController();
    const it = pages(api.fetch, { signal: ac.signal });
    await it.next();
    ac.abort(new Error('stop'));
    await expect(it.next()).rejects.toThrow('stop');
    expect(api.calls).toEqual([undefined]);
  });
});

describe('prefetchOne()', () => {
  it('requests the next step while the consumer handles the current one, in order', async () => {
    const events: string[] = [];
    async function* source() {
      for (let i = 0; i < 3; i++) {
        events.push(`fetch ${i}`);
        yield i;
      }
    }
    for await (const x of prefetchOne(source())) {
      events.push(`use ${x}`);
    }
    expect(events).toEqual(['fetch 0', 'fetch 1', 'use 0', 'fetch 2', 'use 1', 'use 2']);
  });

  it('surfaces a look-ahead failure only when the consumer reaches it', async () => {
    async function* source() {
      yield 1;
      throw new Error('page 2 failed');
    }
    const used: number[] = [];
    await expect(
      (async () => {
        for await (const x of prefetchOne(source())) used.push(x);
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(used).toEqual([1]);
  });

  it('an early exit discards the look-ahead without an unhandled rejection', async () => {
    async function* source() {
      yield 1;
      throw new Error('never observed');
    }
    for await (const x of prefetchOne(source())) {
      if (x === 1) break;
    }
  });
});
