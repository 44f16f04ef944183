import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as transform from '../../../src/transform/index.ts';
import type { NormalizeContext, NormalizeResult } from '../../../src/transform/types.ts';
import { clone, ctx, exampleList } from './examples.ts';

type Normalizer = (records: unknown[], ctx: NormalizeContext) => NormalizeResult;

const SCOPE = { search_id: 's', campaign_id: 'c', product_id: 'p' };
const NORMALIZERS: [string, Normalizer][] = [
  ['normalizeSellerOrders', transform.normalizeSellerOrders],
  ['normalizeCreatorOrders', transform.normalizeCreatorOrders],
  ['normalizeOpenCollaborations', transform.normalizeOpenCollaborations],
  ['normalizeOpenCollaborationProducts', transform.normalizeOpenCollaborationProducts],
  ['normalizeTargetCollaborations', transform.normalizeTargetCollaborations],
  ['normalizePartnerCampaigns', transform.normalizePartnerCampaigns],
  ['normalizePartnerCampaignProducts', transform.normalizePartnerCampaignProducts],
  ['normalizeCampaignCreatorFulfillment', transform.normalizeCampaignCreatorFulfillment],
];

/** Every record is either turned into rows or rejected: nothing vanishes silently. */
function accounted(result: NormalizeResult, input: unknown[]): void {
  const firstTable = Object.values(result.rows)[0] ?? [];
  expect(firstTable.length + result.rejected.length).toBe(input.length);
  for (const r of result.rejected) {
    expect(r.reason).toMatch(/^[a-z_]+(:\S+)?$/);
    expect(typeof r.detail).toBe('string');
  }
}

describe.each(NORMALIZERS)('%s never throws', (_name, normalize) => {
  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), (records) => {
        const result = normalize(records, ctx('owner', SCOPE));
        accounted(result, records);
      }),
      { numRuns: 200 },
    );
  });

  it('on objects with the right field names but arbitrary values', () => {
    const keys = [
      'id',
      'status',
      'skus',
      'create_time',
      'search',
      'detail',
      'summary',
      'creator',
      'commission',
      'price',
    ];
    const obj = fc.dictionary(fc.constantFrom(...keys), fc.jsonValue(), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(obj, { maxLength: 5 }), (records) => {
        accounted(normalize(records, ctx('owner', SCOPE)), records);
      }),
      { numRuns: 200 },
    );
  });

  it('on a non-array input, a bad owner or clock', () => {
    expect(normalize('nope' as unknown as unknown[], ctx('owner', SCOPE)).rejected[0]?.reason).toBe(
      'not_a_list',
    );
    expect(normalize([{}], ctx('', SCOPE)).rejected[0]?.reason).toBe('bad_context:owner_id');
    expect(
      normalize([{}], { ownerId: 'o', now: new Date(Number.NaN), scope: SCOPE }).rejected[0]?.reason,
    ).toBe('bad_context:now');
  });

  it('on unserializable and oversized records', () => {
    const cyclic: Record<string, unknown> = { id: '1' };
    cyclic['self'] = cyclic;
    const huge = { id: '2', blob: 'x'.repeat(1024 * 1024) };
    const result = normalize([cyclic, huge, 12n], ctx('owner', SCOPE));
    expect(result.rejected.map((r) => r.reason)).toEqual([
      'unserializable',
      'record_too_large',
      'unserializable',
    ]);
  });
});

describe('every result lists all of its tables, even when empty', () => {
  it.each(NORMALIZERS)('%s', (_name, normalize) => {
    const tables = Object.keys(normalize([], ctx('owner', SCOPE)).rows);
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(normalize([], ctx('owner', SCOPE)).rows[t]).toEqual([]);
  });
});

describe('purity', () => {
  it('does not mutate its input and gives equal output for equal input', () => {
    const orders = exampleList('affiliate-seller-202410-orders-search', 'orders');
    const before = clone(orders);
    const a = transform.normalizeSellerOrders(orders, ctx('shop'));
    const b = transform.normalizeSellerOrders(clone(orders), ctx('shop'));
    expect(orders).toEqual(before);
    expect(a).toEqual(b);
  });

  it('rejects unpaired surrogates that jsonb cannot store, keeps paired ones', () => {
    const orders = exampleList('affiliate-seller-202410-orders-search', 'orders');
    const lone = clone(orders[0] as Record<string, unknown>);
    lone['status'] = 'A\ud800B';
    const pair = clone(orders[0] as Record<string, unknown>);
    pair['status'] = 'A\ud83c\udf81B';
    const r = transform.normalizeSellerOrders([lone, pair], ctx('shop'));
    expect(r.rejected.map((x) => x.reason)).toEqual(['bad_unicode']);
    expect(r.rows.sellerOrders[0]?.['status']).toBe('A🎁B');
  });

  it('an escaped backslash before "u0000" is plain text, not a NUL', () => {
    const orders = exampleList('affiliate-seller-202410-orders-search', 'orders');
    const o = clone(orders[0] as Record<string, unknown>);
    o['status'] = 'C:\\u0000';
    expect(transform.normalizeSellerOrders([o], ctx('shop')).rejected).toEqual([]);
  });
});

describe('FINAL_ORDER_STATUSES (settlement re-scan, docs/tiktok-api.md#seller-orders / docs/tiktok-api.md#creator-orders)', () => {
  it('treats only outcomes as final; unknown and in-flight statuses keep being re-scanned', () => {
    expect(transform.FINAL_ORDER_STATUSES).toEqual({
      seller: ['COMPLETED', 'CANCELLED', 'DEDUCTED'],
      creator: ['SETTLED', 'REFUNDED', 'DEDUCTED'],
    });
    expect(transform.isFinalOrderStatus('seller', 'PROCESSING')).toBe(false);
    expect(transform.isFinalOrderStatus('seller', 'FROZEN')).toBe(false);
    expect(transform.isFinalOrderStatus('creator', 'ORDERED')).toBe(false);
    expect(transform.isFinalOrderStatus('creator', 'COMPLETED')).toBe(false);
    expect(transform.isFinalOrderStatus('seller', null)).toBe(false);
    expect(transform.isFinalOrderStatus('seller', 'SOMETHING_NEW')).toBe(false);
    expect(transform.isFinalOrderStatus('seller', 'CANCELLED')).toBe(true);
  });
});
