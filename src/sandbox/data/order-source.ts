/**
 * Paging over a lazily generated order stream (seller or creator). Create-time windows are index
 * ranges of the timeline (docs/tiktok-api.md#seller-orders: create_time_ge inclusive, create_time_lt exclusive); the
 * cursor is the last index served, so orders arriving between pages are appended, never shifted.
 */
import type { ByteWriter } from '../byte-writer.ts';
import type { OrderTimeline } from './timeline.ts';

export interface OrderSource {
  /** Unique per stream (shop id or creator open_id), for caches. */
  readonly id: string;
  readonly timeline: OrderTimeline;
  build(index: number, nowS: number): Record<string, unknown>;
  /** The same record as JSON text. */
  buildJson(index: number, nowS: number): string;
  /** The same record as UTF-8 JSON appended to `w` (the hot path of the HTTP endpoint); returns its sku line count. */
  writeJson(index: number, nowS: number, w: ByteWriter): number;
  /** Whether any line of the order belongs to the program (seller `program_id` filter, docs/tiktok-api.md#seller-orders). */
  matchesProgram(index: number, programId: string): boolean;
}

export interface OrderPageQuery {
  geS: number;
  ltS: number;
  programId: string | null;
  /** Last index served on the previous page, -1 on the first page. */
  afterIndex: number;
  pageSize: number;
  nowS: number;
}

export interface OrderPage {
  /** Indices of the orders of the page, in order. */
  indices: number[];
  lastIndex: number;
  hasMore: boolean;
  totalCount: number;
}

const COUNT_CACHE_LIMIT = 256;

/** Caches filtered totals (a program filter needs a scan over the window). */
export class OrderPager {
  private readonly counts = new Map<string, number>();

  /** Which orders make the page (cheap: nothing is built here). */
  page(source: OrderSource, q: OrderPageQuery): OrderPage {
    const { lo, hi } = source.timeline.range(q.geS, q.ltS, q.nowS);
    const start = Math.max(lo, q.afterIndex + 1);
    if (q.programId === null) {
      const end = Math.min(hi, start + q.pageSize);
      const indices: number[] = [];
      for (let i = start; i < end; i++) indices.push(i);
      return { indices, lastIndex: end - 1, hasMore: end < hi, totalCount: hi - lo };
    }
    const programId = q.programId;
    const indices: number[] = [];
    let i = start;
    let lastIndex = q.afterIndex;
    for (; i < hi && indices.length < q.pageSize; i++) {
      if (source.matchesProgram(i, programId)) {
        indices.push(i);
        lastIndex = i;
      }
    }
    let hasMore = false;
    for (let j = i; j < hi; j++) {
      if (source.matchesProgram(j, programId)) {
        hasMore = true;
        break;
      }
    }
    return { indices, lastIndex, hasMore, totalCount: this.count(source, programId, lo, hi) };
  }

  /** Every order of the window, for ground truth. */
  all(source: OrderSource, geS: number, ltS: number, nowS: number): Record<string, unknown>[] {
    const { lo, hi } = source.timeline.range(geS, ltS, nowS);
    const out: Record<string, unknown>[] = [];
    for (let i = lo; i < hi; i++) out.push(source.build(i, nowS));
    return out;
  }

  private count(source: OrderSource, programId: string, lo: number, hi: number): number {
    const key = `${source.id}:${programId}:${lo}:${hi}`;
    const cached = this.counts.get(key);
    if (cached !== undefined) return cached;
    let n = 0;
    for (let i = lo; i < hi; i++) if (source.matchesProgram(i, programId)) n++;
    if (this.counts.size >= COUNT_CACHE_LIMIT) this.counts.clear();
    this.counts.set(key, n);
    return n;
  }
}
