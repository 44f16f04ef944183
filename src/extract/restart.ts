/**
 * A rejected or expired page token is a normal event, not a bad request: tokens expire (the API does
 * not say after how long; a walk slowed by throttling outlives them) and the API may drop one at any
 * time. The only way on is to read the list again from its first page, which is safe because every
 * row is upserted idempotently (re-reading loses nothing; skipping would).
 *
 * How long to keep restarting is decided by PROGRESS, not by a fixed count: a restart that gets past
 * the furthest page any earlier attempt reached is progress and never counts against the walk; only
 * attempts in a row that do not get further are counted, and MAX_STALLED_RESTARTS of them end the walk
 * with a PageTokenStalledError (a token that always fails at the same page would otherwise loop
 * forever). With tokens dropped at random at rate p, an attempt that must pass k tokens to get further
 * succeeds with probability (1 − p)^k: ten stalls in a row at p = 0.1 and k = 7 happen about once in
 * a thousand walks, while a list that can never get further costs ten re-reads of its prefix.
 */
import { isPageTokenRejection } from '../tiktok/errors.ts';
import { type FetchPage, type PagedResult, pages, RepeatedPageTokenError } from './paginate.ts';

/** Consecutive restarts that got no further than the furthest page already reached, before giving up. */
export const MAX_STALLED_RESTARTS = 10;

/** True for the two page-token failures that restart a walk: rejected/expired, or repeated. */
export function isPageTokenFailure(err: unknown): boolean {
  return err instanceof RepeatedPageTokenError || isPageTokenRejection(err);
}

/** Restart bookkeeping of one list walk (pure; the caller reports pages and failures). */
export class RestartPolicy {
  /** Highest 0-based page index reached by any attempt. */
  private furthest = -1;
  /** Failures since the furthest page last moved. */
  private stalled = 0;
  /** Restarts so far, progress or not. */
  restarts = 0;

  constructor(readonly maxStalled: number = MAX_STALLED_RESTARTS) {}

  /** The current attempt read the page at `index` (0 = the first page of the list). */
  reached(index: number): void {
    if (index > this.furthest) {
      this.furthest = index;
      this.stalled = 0;
    }
  }

  /** A page-token failure: true to restart from the first page, false to give up. */
  failed(): boolean {
    this.stalled += 1;
    if (this.stalled > this.maxStalled) return false;
    this.restarts += 1;
    return true;
  }

  /** The furthest page reached, 1-based (0: not even the first page). */
  get furthestPage(): number {
    return this.furthest + 1;
  }

  get stalledRestarts(): number {
    return this.stalled;
  }
}

/** A list whose page tokens kept being rejected without the walk getting any further. */
export class PageTokenStalledError extends Error {
  override readonly name = 'PageTokenStalledError';
  constructor(
    what: string,
    policy: RestartPolicy,
    override readonly cause: unknown,
  ) {
    // Never the token itself: it is opaque and may encode query state.
    super(
      `the API kept rejecting the page token of ${what}: ${policy.stalledRestarts} restarts in a row ` +
        `got no further than page ${policy.furthestPage} (${policy.restarts} restarts in all). Page tokens ` +
        'expire, usually when paging is slowed down (throttling, a busy database); this is not a ' +
        'problem with the app key, the access token or the clock. The next run reads the list again. ' +
        `Last answer: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

export interface RestartInfo {
  /** What was being listed (for logs). */
  what: string;
  restarts: number;
  /** The error's name: RepeatedPageTokenError or InvalidRequestError. */
  reason: string;
  furthestPage: number;
}

export interface RestartablePagesOptions {
  /** What is listed, for the log line and the error ("open collaboration products of search …"). */
  what: string;
  signal?: AbortSignal | undefined;
  onRestart?: ((info: RestartInfo) => void) | undefined;
  maxStalled?: number;
}

/**
 * pages() that reads the list again from its first page when a page token is rejected or repeated.
 * Pages read before the failure are yielded again on the next attempt: callers upsert them, so the
 * repeat costs requests, never correctness.
 */
export async function* restartablePages<T>(
  fetchPage: FetchPage<T>,
  opts: RestartablePagesOptions,
): AsyncGenerator<PagedResult<T>> {
  const policy = new RestartPolicy(opts.maxStalled);
  for (;;) {
    try {
      for await (const page of pages(fetchPage, { signal: opts.signal })) {
        policy.reached(page.index);
        yield page;
      }
      return;
    } catch (err) {
      if (!isPageTokenFailure(err)) throw err;
      if (!policy.failed()) throw new PageTokenStalledError(opts.what, policy, err);
      opts.onRestart?.({
        what: opts.what,
        restarts: policy.restarts,
        reason: (err as Error).name,
        furthestPage: policy.furthestPage,
      });
    }
  }
}
