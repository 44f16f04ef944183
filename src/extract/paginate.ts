/**
 * The one lazy page iterator of the pipeline (CONTRIBUTING.md#lazy-page-iteration): one request per step, early exit
 * allowed, never more than one page in memory.
 *
 * End of data is not documented precisely: the last page may carry an empty, null or missing
 * `next_page_token`, or "0" with no further data. So the iterator stops on ANY of: a terminal token
 * (isTerminalPageToken: the client maps all four to null, and the check is repeated here so a fetcher
 * that passes a raw token along costs no extra request either), an empty page, or a token it has
 * already seen in this walk. A repeated token is an error (RepeatedPageTokenError), never an infinite
 * loop: the caller decides whether to restart the walk.
 */
import { isTerminalPageToken } from '../tiktok/endpoints/page.ts';
import type { Page } from '../tiktok/types.ts';

export type FetchPage<T> = (
  pageToken: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<Page<T>>;

export interface PagedResult<T> extends Page<T> {
  /** The token that requested this page (undefined for the first page of a walk). */
  pageToken: string | undefined;
  /** 0-based position of the page within this walk. */
  index: number;
  /** True when this is known to be the last page (the walk stops after it). */
  last: boolean;
}

export class RepeatedPageTokenError extends Error {
  override readonly name = 'RepeatedPageTokenError';
  constructor(readonly pageIndex: number) {
    // The token value is opaque but may encode query state: keep it out of the message.
    super(`the API returned a page token it had already returned (page ${pageIndex}); restart the walk`);
  }
}

export interface PagesOptions {
  /** Resume a walk from a checkpointed token. */
  startToken?: string | undefined;
  signal?: AbortSignal | undefined;
}

export async function* pages<T>(
  fetchPage: FetchPage<T>,
  opts: PagesOptions = {},
): AsyncGenerator<PagedResult<T>> {
  const seen = new Set<string>();
  let token = opts.startToken;
  if (token !== undefined) seen.add(token);
  for (let index = 0; ; index++) {
    opts.signal?.throwIfAborted();
    const page = await fetchPage(token, opts.signal);
    const next = page.nextPageToken;
    if (isTerminalPageToken(next) || page.records.length === 0) {
      yield { ...page, pageToken: token, index, last: true };
      return;
    }
    if (seen.has(next)) throw new RepeatedPageTokenError(index);
    yield { ...page, pageToken: token, index, last: false };
    seen.add(next);
    token = next;
  }
}

/**
 * Keeps ONE step of `source` in flight while the consumer works on the current one: the next page is
 * fetched while this one is normalized and committed, so HTTP latency and database time overlap.
 * At most two pages are held. A failure of the look-ahead surfaces when the consumer asks for it; an
 * early exit discards it (its rejection is swallowed, it was never going to be used).
 */
export async function* prefetchOne<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const step = await next;
      if (step.done) return;
      next = it.next();
      // The consumer may stop before awaiting the look-ahead: never let it reject unobserved.
      next.catch(() => undefined);
      yield step.value;
    }
  } finally {
    await it.return?.(undefined)?.catch(() => undefined);
  }
}
