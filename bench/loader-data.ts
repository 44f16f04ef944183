/**
 * Deterministic, realistic seller order pages for the loader benchmark: orders as the seller orders
 * search returns them (orders[] with their skus[], ~1 KB a line with the product fields the live API
 * may add), run through the real normalizer, so the rows are exactly what a sync hands the loader:
 * tiktok_affiliate.seller_orders (whose raw, the whole record, the loader moves to seller_order_raw)
 * and seller_order_skus (narrow lines carrying their order's create_time and status). create_time spreads over three months,
 * so pages write several month partitions as a backfill does.
 */
import { normalizeSellerOrders } from '../src/transform/index.ts';
import type { TableRows } from '../src/transform/types.ts';

type Json = Record<string, unknown>;

export const BENCH_SHOP = '7000714532876273420';
/** 2024-05-01T00:00:00Z: the first of the three months the orders were placed in. */
const FIRST_CREATE = 1_714_521_600;
const SPAN_S = 92 * 86_400;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTENT = ['SHOP', 'VIDEO', 'LIVE', 'PRE_LIVE', 'PROMOTION_PAGE', 'LINKSHARE'];
const WORDS = ['serum', 'vitamin', 'glow', 'hydrating', 'cream', 'travel', 'set', 'organic', 'matte', 'lip'];

const money = (amount: string, currency: string) => ({ amount, currency });

/** API order records holding `lineCount` lines in all (1 to 3 lines an order). */
export function makeSellerOrders(lineCount: number, seed: number): Json[] {
  const rand = prng(seed);
  const orders: Json[] = [];
  let lines = 0;
  let n = 0;
  while (lines < lineCount) {
    n += 1;
    const count = Math.min(1 + Math.floor(rand() * 3), lineCount - lines);
    const skus = Array.from({ length: count }, (_, index) => makeSku(rand, index));
    lines += count;
    orders.push({
      id: String(576_000_000_000_000_000n + BigInt(n) * 7919n),
      status: 'PROCESSING',
      // In order of creation, as a window's pages return them.
      create_time: FIRST_CREATE + (Math.floor((n * SPAN_S) / (lineCount / 2)) % SPAN_S),
      delivery_time: 0,
      skus,
    });
  }
  return orders;
}

function makeSku(rand: () => number, index: number): Json {
  const price = (5 + rand() * 200).toFixed(2);
  const quantity = 1 + Math.floor(rand() * 4);
  const base = (Number(price) * quantity).toFixed(2);
  const rate = 500 + Math.floor(rand() * 2000);
  const commission = ((Number(base) * rate) / 10_000).toFixed(2);
  const productId = String(1_729_000_000_000_000_000n + BigInt(Math.floor(rand() * 1e9)));
  const title = Array.from({ length: 14 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  return {
    open_collaboration_id: '73661290629',
    target_collaboration_id: '',
    campaign_id: '',
    creator_username: `creator_${Math.floor(rand() * 50_000)}`,
    price: money(price, 'USD'),
    quantity,
    content_type: CONTENT[Math.floor(rand() * CONTENT.length)]!,
    content_id: String(7_493_000_000_000_000_000n + BigInt(Math.floor(rand() * 1e12))),
    product_id: productId,
    commission_model: 'Tiered commission',
    commission_tier_setting: '3.0 OR 5.0',
    commission_rate: String(rate),
    shop_ads_commission_rate: '5000',
    estimated_commission_base: money(base, 'USD'),
    estimated_paid_commission: money(commission, 'USD'),
    estimated_paid_shop_ads_commission: money('0.00', 'USD'),
    actual_commission_base: money(base, 'USD'),
    actual_paid_commission: money(commission, 'USD'),
    actual_paid_shop_ads_commission: money('0.00', 'USD'),
    refunded_quantity: 0,
    returned_quantity: 0,
    estimated_cofunded_creator_bonus_amount: money('0.00', 'USD'),
    actual_cofunded_creator_bonus_amount: money('0.00', 'USD'),
    // Fields the live API may add beyond the documented ones, and a product title: ~1 KB a line.
    product_name: title,
    sku_name: `${title.slice(0, 40)} / ${quantity * 50} ml`,
    sales_attributes: Array.from({ length: 6 }, (_, i) => ({
      id: String(100_000 + i),
      name: `attr_${i}`,
      value_name: title.slice(i * 10, i * 10 + 24),
    })),
    seller_sku: `SKU-${productId.slice(-8)}-${index}`,
    settlement_status: 'UNSETTLED',
  };
}

/** A copy where `fraction` of the orders settled: one line was partly refunded, the order completed. */
export function settleOrders(orders: readonly Json[], fraction: number, seed: number): Json[] {
  const rand = prng(seed);
  return orders.map((order) => {
    if (rand() >= fraction) return order;
    const [first, ...rest] = order.skus as Json[];
    const paid = (first!.actual_paid_commission as { amount: string }).amount;
    const settled = {
      ...first,
      refunded_quantity: 1,
      actual_paid_commission: money((Number(paid) / 2).toFixed(2), 'USD'),
      settlement_status: 'SETTLED',
    };
    return { ...order, status: 'COMPLETED', skus: [settled, ...rest] };
  });
}

export interface BenchPage {
  rows: TableRows;
  lines: number;
}

/** The records as pages of `pageOrders` orders, normalized (a rejected record is a bug of the generator). */
export function toPages(orders: readonly Json[], pageOrders: number): BenchPage[] {
  const pages: BenchPage[] = [];
  const now = new Date('2024-08-15T00:00:00Z');
  for (let i = 0; i < orders.length; i += pageOrders) {
    const result = normalizeSellerOrders(orders.slice(i, i + pageOrders), { ownerId: BENCH_SHOP, now });
    if (result.rejected.length > 0) {
      throw new Error(`bench data rejected by the normalizer: ${JSON.stringify(result.rejected[0])}`);
    }
    pages.push({ rows: result.rows, lines: result.rows['sellerOrderSkus']?.length ?? 0 });
  }
  return pages;
}
