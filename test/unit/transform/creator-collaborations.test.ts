/**
 * The creator's collaboration normalizers on the official examples and their documented quirks:
 * invitations scoped by the searched shop (the records do not carry it), a product listed twice kept
 * once (the last), an unknown status kept as text and counted; marketplace products with units_sold
 * absent stored as null, never zero.
 */
import { describe, expect, it } from 'vitest';
import {
  normalizeCreatorOpenCollaborationProducts,
  normalizeCreatorTargetCollaborations,
} from '../../../src/transform/index.ts';
import { clone, ctx, exampleList } from './examples.ts';

const CREATOR = 'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg';
const invitation = () =>
  clone(exampleList('affiliate-creator-202405-target-collaborations-search', 'target_collaborations')[0]!);
const product = () =>
  clone(exampleList('affiliate-seller-202405-open-collaborations-products-search', 'products')[0]!);

describe('normalizeCreatorTargetCollaborations', () => {
  it('maps the official example, owner and shop from the context', () => {
    const r = normalizeCreatorTargetCollaborations([invitation()], ctx(CREATOR, { shop_id: '7495' }));
    expect(r.rejected).toEqual([]);
    expect(r.rows.creatorTargetCollaborations).toEqual([
      expect.objectContaining({
        creator_id: CREATOR,
        shop_id: '7495',
        target_collaboration_id: '789078671231123124',
        name: 'target_collaboration',
        status: 'LIVE',
        product_count: 1,
      }),
    ]);
    expect(r.rows.creatorTargetCollaborationProducts).toEqual([
      expect.objectContaining({
        creator_id: CREATOR,
        shop_id: '7495',
        target_collaboration_id: '789078671231123124',
        product_id: '1729432087292775344',
        title: 'Blue t-shirt',
        commission_rate_bps: 1000,
        commission_amount: '121.2300',
        commission_currency: 'USD',
      }),
    ]);
  });

  it('without the searched shop in the scope every record is rejected, none guessed', () => {
    const r = normalizeCreatorTargetCollaborations([invitation()], ctx(CREATOR));
    expect(r.rows.creatorTargetCollaborations).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.reason).toMatch(/shop_id/);
  });

  it('a product listed twice is one row (the last); an unknown status is kept and counted', () => {
    const record = invitation();
    const products = record['products'] as Record<string, unknown>[];
    products.push({ ...products[0]!, title: 'renamed' });
    record['status'] = 'PAUSED';
    const r = normalizeCreatorTargetCollaborations([record], ctx(CREATOR, { shop_id: '7495' }));
    expect(r.rows.creatorTargetCollaborationProducts).toHaveLength(1);
    expect(r.rows.creatorTargetCollaborationProducts[0]?.['title']).toBe('renamed');
    expect(r.rows.creatorTargetCollaborations[0]?.['product_count']).toBe(1);
    expect(r.rows.creatorTargetCollaborations[0]?.['status']).toBe('PAUSED');
    expect(Object.values(r.unknownEnums)).toEqual([1]);
  });

  it('a product without an id rejects the whole invitation (a partial list would look complete)', () => {
    const record = invitation();
    (record['products'] as Record<string, unknown>[])[0]!['id'] = null;
    const r = normalizeCreatorTargetCollaborations([record], ctx(CREATOR, { shop_id: '7495' }));
    expect(r.rows.creatorTargetCollaborations).toEqual([]);
    expect(r.rejected[0]?.reason).toBe('missing_field:products[0].id');
    expect(r.rejected[0]?.stored?.key).toEqual({
      creator_id: CREATOR,
      shop_id: '7495',
      target_collaboration_id: '789078671231123124',
    });
  });
});

describe('normalizeCreatorOpenCollaborationProducts', () => {
  it('maps the marketplace record under the creator and the saved search', () => {
    const r = normalizeCreatorOpenCollaborationProducts([product()], ctx(CREATOR, { search_id: 'q1' }));
    expect(r.rejected).toEqual([]);
    expect(r.rows.creatorOpenCollaborationProducts).toEqual([
      expect.objectContaining({
        creator_id: CREATOR,
        search_id: 'q1',
        product_id: '1729432087292775344',
        units_sold: 12123,
        commission_rate_bps: 3000,
        commission_amount: '121.3200',
      }),
    ]);
  });

  it('units_sold absent (no data sharing) is null, not zero', () => {
    const record = product();
    delete record['units_sold'];
    const r = normalizeCreatorOpenCollaborationProducts([record], ctx(CREATOR, { search_id: 'q1' }));
    expect(r.rejected).toEqual([]);
    expect(r.rows.creatorOpenCollaborationProducts[0]?.['units_sold']).toBeNull();
  });
});
