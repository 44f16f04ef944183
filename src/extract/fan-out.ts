import type { NormalizerName, SnapshotBatch } from './types.ts';

/**
 * An empty batch that only reports one parent whose children could not be read (its id was
 * unreadable): the engine then counts the owner's snapshot incomplete instead of tombstoning the
 * children it never asked for. `apiCalls`: list calls spent so far and not yet reported.
 */
export function skippedParentBatch(normalizer: NormalizerName, apiCalls: number): SnapshotBatch {
  return { normalizer, scope: {}, records: [], apiCalls, skippedParents: 1 };
}

/**
 * Bounded-concurrency map for detail fan-out (target collaboration details, campaign details): a few
 * calls in flight keep the shared rate budget busy under latency without holding more than one page of
 * results. Order of results = order of inputs; the first failure rejects (after in-flight calls settle).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  async function lane(): Promise<void> {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        if (!failed) firstError = err;
        failed = true;
      }
    }
  }
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => lane());
  await Promise.all(lanes);
  if (failed) throw firstError;
  return results;
}
