/**
 * Criteria of the open-collaboration product search (docs/tiktok-api.md#open-collaboration-product-search), shared by the endpoint and
 * by ground truth. Throws plain Errors with a message; the route turns them into API errors.
 */
import { applyBps, decimalsOf } from '../money.ts';
import type { MarketplaceProductModel } from './model.ts';

export interface MarketplaceCriteria {
  keywords: string[];
  priceGe: number | null;
  priceLt: number | null;
  categoryId: string | null;
  rateGe: number | null;
  rateLt: number | null;
}

function obj(v: unknown, field: string): Record<string, unknown> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${field} must be an object`);
  return v as Record<string, unknown>;
}

function amount(v: unknown, field: string): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${field} must be a decimal string > 0`);
  return n;
}

function rate(v: unknown, field: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new Error(`${field} must be an integer (bps)`);
  return v;
}

export function parseCriteria(body: Record<string, unknown>): MarketplaceCriteria {
  const raw = body['title_keywords'];
  let keywords: string[] = [];
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw) || raw.some((k) => typeof k !== 'string' || k.length > 255) || raw.length > 20) {
      throw new Error('title_keywords must be at most 20 strings of at most 255 characters');
    }
    keywords = (raw as string[]).map((k) => k.toLowerCase()).filter((k) => k !== '');
  }
  const price = obj(body['sales_price_range'], 'sales_price_range');
  const category = obj(body['category'], 'category');
  const rates = obj(body['commission_rate_range'], 'commission_rate_range');
  const categoryId = category?.['id'];
  if (categoryId !== undefined && categoryId !== null && typeof categoryId !== 'string') {
    throw new Error('category.id must be a string');
  }
  return {
    keywords,
    priceGe: amount(price?.['amount_ge'], 'sales_price_range.amount_ge'),
    priceLt: amount(price?.['amount_lt'], 'sales_price_range.amount_lt'),
    categoryId: typeof categoryId === 'string' && categoryId !== '' ? categoryId : null,
    rateGe: rate(rates?.['rate_ge'], 'commission_rate_range.rate_ge'),
    rateLt: rate(rates?.['rate_lt'], 'commission_rate_range.rate_lt'),
  };
}

export function matchesCriteria(m: MarketplaceProductModel, c: MarketplaceCriteria): boolean {
  if (m.removed) return false;
  const title = m.product.title.toLowerCase();
  // AND-combined loose match (docs/tiktok-api.md#open-collaboration-product-search).
  for (const k of c.keywords) if (!title.includes(k)) return false;
  const price = m.product.priceMinor / 10 ** decimalsOf(m.product.currency);
  if (c.priceGe !== null && price < c.priceGe) return false;
  if (c.priceLt !== null && price >= c.priceLt) return false;
  // First-level categories only (docs/tiktok-api.md#open-collaboration-product-search).
  if (c.categoryId !== null && m.product.top.id !== c.categoryId) return false;
  if (c.rateGe !== null && m.rate < c.rateGe) return false;
  if (c.rateLt !== null && m.rate >= c.rateLt) return false;
  return true;
}

export const MARKETPLACE_SORT_FIELDS = [
  'commission_rate',
  'product_sales_price',
  'commission',
  'units_sold',
] as const;

export function sortValue(m: MarketplaceProductModel, field: string): number {
  switch (field) {
    case 'product_sales_price':
      return m.product.priceMinor;
    case 'commission':
      return applyBps(m.product.priceMinor, m.rate);
    case 'units_sold':
      return m.unitsSold ?? -1;
    default:
      return m.rate;
  }
}
