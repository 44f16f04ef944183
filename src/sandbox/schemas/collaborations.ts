/** Open collaborations (docs/tiktok-api.md#open-collaboration-product-search, docs/tiktok-api.md#open-collaborations) and target collaborations (docs/tiktok-api.md#target-collaborations, docs/tiktok-api.md#target-collaboration-detail). */
import { z } from 'zod';
import { digits, int, priceRange } from './common.ts';

export const productStatus = z.enum([
  'LIVE',
  'OUT_OF_STOCK',
  'SELLER_DEACTIVATE',
  'PLATFORM_DEACTIVATE',
  'GNE_REJECT',
  'DELETE',
  'OTHER',
]);

export const openCollaborations = z.strictObject({
  next_page_token: z.string(),
  total_count: int,
  open_collaborations: z.array(
    z.strictObject({
      id: digits,
      status: z.enum(['NORMAL', 'TERMINATING']),
      current_commission: z.strictObject({ rate: int, start_time: int, end_time: int }),
      showcase_creator_count: int,
      content_creator_count: int,
      product: z.strictObject({
        id: digits,
        title: z.string(),
        main_image_url: z.string(),
        status: productStatus,
        inventory: int,
        original_price: priceRange,
      }),
    }),
  ),
});

export const marketplaceProducts = z.strictObject({
  products: z.array(
    z.strictObject({
      shop: z.strictObject({ name: z.string() }),
      id: digits,
      has_inventory: z.boolean(),
      units_sold: int.optional(),
      title: z.string(),
      sale_region: z.string(),
      main_image_url: z.string(),
      detail_link: z.string(),
      original_price: priceRange,
      category_chains: z.array(
        z.strictObject({
          id: z.string(),
          local_name: z.string(),
          is_leaf: z.boolean(),
          parent_id: z.string(),
        }),
      ),
      commission: z.strictObject({ rate: int, currency: z.string(), amount: z.string() }),
      sales_price: priceRange,
    }),
  ),
  next_page_token: z.string(),
  total_count: int,
});

export const freeSampleRule = z.strictObject({
  has_free_sample: z.boolean(),
  is_sample_approval_exempt: z.boolean(),
});
export const targetType = z.enum(['STANDARD', 'TOP_CREATOR_PROGRAM']);
export const memberStatus = z.enum(['NORMAL', 'DELETING', 'DELETED']);
export const effectiveStatus = z.enum(['EFFECTIVE_ALL', 'EFFECTIVE_PARTIALLY', 'EFFECTIVE_NONE']);

export const targetSearchRecord = z.strictObject({
  id: digits,
  name: z.string(),
  message: z.string(),
  start_time: int,
  end_time: int,
  update_time: int,
  creator_inivited_count: int, // sic (docs/tiktok-api.md#target-collaborations)
  showcase_creator_count: int,
  content_creator_count: int,
  product_count: int,
  free_sample_rule: freeSampleRule,
  type: targetType,
});

export const targetSearch = z.strictObject({
  total_count: int,
  next_page_token: z.string(),
  target_collaborations: z.array(targetSearchRecord),
});

export const targetDetailRecord = z.strictObject({
  id: digits,
  name: z.string(),
  message: z.string(),
  seller_contact_info: z.strictObject({ email: z.string() }),
  start_time: int,
  end_time: int,
  update_time: int,
  creator_invited_count: int,
  showcase_creator_count: int,
  content_creator_count: int,
  product_count: int,
  free_sample_rule: freeSampleRule,
  products: z.array(
    z.strictObject({
      id: digits,
      main_image_url: z.string(),
      title: z.string(),
      original_price: priceRange,
      commission: z.strictObject({
        rate: int,
        effective_time: digits, // STRING seconds (docs/tiktok-api.md#target-collaboration-detail)
        currency: z.string(),
        minimum_amount: z.string(),
        maximum_amount: z.string(),
        shop_ads_commission_rate: int.optional(),
      }),
      status: productStatus,
      commission_effective_status: effectiveStatus,
      collaboration_status: memberStatus,
    }),
  ),
  creators: z.array(
    z.strictObject({
      username: z.string(),
      nickname: z.string(),
      avatar: z.strictObject({ url: z.string() }),
      selection_region: z.string(),
      showcase_product_count: int,
      content_product_count: int,
      collaboration_status: memberStatus,
      product_effective_status: effectiveStatus,
      creator_open_id: z.string(),
    }),
  ),
  type: targetType,
});

/** The creator's marketplace search: the seller's shape, units_sold absent without data sharing. */
export const creatorMarketplaceProducts = marketplaceProducts;

export const creatorTargetCollaborations = z.strictObject({
  total_count: int,
  next_page_token: z.string(),
  target_collaborations: z.array(
    z.strictObject({
      id: digits,
      name: z.string(),
      status: z.enum(['LIVE', 'EXPIRED', 'DELETED', 'ENDED']),
      products: z.array(
        z.strictObject({
          id: digits,
          title: z.string(),
          main_image_url: z.string(),
          commission: z.strictObject({ rate: int, amount: z.string(), currency: z.string() }),
        }),
      ),
    }),
  ),
});
