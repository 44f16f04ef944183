/**
 * zod schemas of every response the sandbox serves, per endpoint (api doc §3-§8). Strict objects:
 * an unknown field fails, so the tests catch typos and drift. Fields the sandbox sometimes omits
 * (§10 "Optionality") are optional; the recorded official examples must validate too.
 * Used by tests only (never on the serving path).
 */
import { z } from 'zod';
import type { EndpointId } from './endpoints.ts';

const money = z.strictObject({ amount: z.string(), currency: z.string() });
const priceRange = z.strictObject({
  currency: z.string(),
  minimum_amount: z.string(),
  maximum_amount: z.string(),
});
const digits = z.string().regex(/^\d+$/);
const int = z.number().int();

export function envelope<T extends z.ZodType>(data: T) {
  return z.strictObject({ code: z.literal(0), message: z.string(), request_id: z.string(), data });
}

export const errorEnvelope = z.strictObject({
  code: int.refine((c) => c !== 0),
  message: z.string(),
  request_id: z.string(),
});

export const tokenData = z.strictObject({
  access_token: z.string(),
  access_token_expire_in: int,
  refresh_token: z.string(),
  refresh_token_expire_in: int,
  open_id: z.string(),
  seller_name: z.string(),
  seller_base_region: z.string(),
  user_type: z.union([z.literal(0), z.literal(1), z.literal(3)]),
  granted_scopes: z.array(z.string()),
});

const shops = z.strictObject({
  shops: z.array(
    z.strictObject({
      id: digits,
      name: z.string(),
      region: z.string(),
      seller_type: z.enum(['CROSS_BORDER', 'LOCAL']),
      cipher: z.string(),
      code: z.string(),
    }),
  ),
});

const categoryAssets = z.strictObject({
  category_assets: z.array(
    // category.id is a NUMBER here (api doc §3.5).
    z.strictObject({
      cipher: z.string(),
      target_market: z.string(),
      category: z.strictObject({ id: int, name: z.string() }),
    }),
  ),
});

const contentType = z.enum(['SHOP', 'VIDEO', 'LIVE', 'PRE_LIVE', 'PROMOTION_PAGE', 'LINKSHARE']);

const sellerSku = z.strictObject({
  open_collaboration_id: z.string().optional(),
  target_collaboration_id: z.string().optional(),
  campaign_id: z.string().optional(),
  creator_username: z.string(),
  price: money,
  quantity: int,
  content_type: contentType,
  content_id: z.string().optional(),
  product_id: digits,
  commission_model: z.string(),
  commission_tier_setting: z.string().optional(),
  // STRING bps in the seller variant (api doc §4.1).
  commission_rate: digits,
  shop_ads_commission_rate: digits,
  estimated_commission_base: money,
  estimated_paid_commission: money,
  estimated_paid_shop_ads_commission: money,
  actual_commission_base: money.optional(),
  actual_paid_commission: money.optional(),
  actual_paid_shop_ads_commission: money.optional(),
  refunded_quantity: int,
  returned_quantity: int,
  estimated_cofunded_creator_bonus_amount: money.optional(),
  actual_cofunded_creator_bonus_amount: money.optional(),
});

const sellerOrders = z.strictObject({
  orders: z.array(
    z.strictObject({
      id: digits,
      create_time: int,
      delivery_time: int.optional(),
      status: z.enum(['ALL', 'PROCESSING', 'COMPLETED', 'CANCELLED', 'FROZEN', 'DEDUCTED']),
      skus: z.array(sellerSku).min(1),
    }),
  ),
  next_page_token: z.string(),
  total_count: int,
});

const creatorSku = z.strictObject({
  id: digits,
  campaign_id: z.string().optional(),
  open_collaboration_id: z.string().optional(),
  target_collaboration_id: z.string().optional(),
  product_name: z.string(),
  product_id: digits,
  price: money,
  shop_name: z.string(),
  content_type: contentType,
  content_id: z.string().optional(),
  quantity: int,
  // INTEGER bps in the creator variant (api doc §5.1).
  commission_rate: int,
  commission_tier_setting: z.string().optional(),
  commission_model: z.string(),
  commission_bonus_rate: int,
  estimated_commission_base: money,
  shop_ads_commission_rate: int,
  estimated_bonus_commission: money,
  estimated_shop_ads_commission: money,
  estimated_commission: money,
  actual_commission: money.optional(),
  actual_bonus_commission: money.optional(),
  actual_commission_base: money.optional(),
  actual_shop_ads_commission: money.optional(),
  returned_quantity: int,
  refunded_quantity: int,
  tag: z.string().optional(),
  creator_commission_reward_rate: int,
  estimated_creator_commission_reward_fee: money,
  actual_creator_commission_reward_fee: money.optional(),
});

const creatorOrders = z.strictObject({
  orders: z.array(
    z.strictObject({
      id: digits,
      create_time: int,
      delivery_time: int.optional(),
      status: z.enum(['UNSPECIFIED', 'ORDERED', 'SETTLED', 'REFUNDED', 'FROZEN', 'DEDUCTED']),
      skus: z.array(creatorSku).min(1),
    }),
  ),
  next_page_token: z.string(),
  total_count: int,
});

const productStatus = z.enum([
  'LIVE',
  'OUT_OF_STOCK',
  'SELLER_DEACTIVATE',
  'PLATFORM_DEACTIVATE',
  'GNE_REJECT',
  'DELETE',
  'OTHER',
]);

const openCollaborations = z.strictObject({
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

const marketplaceProducts = z.strictObject({
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

const freeSampleRule = z.strictObject({
  has_free_sample: z.boolean(),
  is_sample_approval_exempt: z.boolean(),
});
const targetType = z.enum(['STANDARD', 'TOP_CREATOR_PROGRAM']);
const memberStatus = z.enum(['NORMAL', 'DELETING', 'DELETED']);
const effectiveStatus = z.enum(['EFFECTIVE_ALL', 'EFFECTIVE_PARTIALLY', 'EFFECTIVE_NONE']);

export const targetSearchRecord = z.strictObject({
  id: digits,
  name: z.string(),
  message: z.string(),
  start_time: int,
  end_time: int,
  update_time: int,
  creator_inivited_count: int, // sic (api doc §7.2)
  showcase_creator_count: int,
  content_creator_count: int,
  product_count: int,
  free_sample_rule: freeSampleRule,
  type: targetType,
});

const targetSearch = z.strictObject({
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
        effective_time: digits, // STRING seconds (api doc §7.3)
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

const campaignStatus = z.enum(['READY', 'UPCOMING', 'ONGOING', 'CLOSED']);
const campaignTimes = {
  registration_start_time: int,
  registration_end_time: int,
  campaign_start_time: int,
  campaign_end_time: int,
};

const campaigns = z.strictObject({
  campaigns: z.array(
    z.strictObject({ id: digits, name: z.string(), status: campaignStatus, ...campaignTimes }),
  ),
  next_page_token: z.string(),
  total_count: int,
});

export const campaignDetail = z.strictObject({
  id: digits,
  name: z.string(),
  description: z.string(),
  status: campaignStatus,
  region: z.string(),
  ...campaignTimes,
  commission_rate: int,
  contact_info: z.strictObject({
    whatsapp: z.string(),
    email: z.string(),
    phone: z.string(),
    zalo: z.string(),
    viber: z.string(),
    line: z.string(),
  }),
  target_shops: z.array(z.strictObject({ code: z.string(), name: z.string() })),
  target_seller_types: z.array(z.enum(['LOCAL', 'CROSS_BORDER'])),
});

const regionPrice = z.strictObject({
  region_code: z.string(),
  currency: z.string(),
  list_price: z.string(),
  sale_price: z.string(),
  localized_dutiable_price: z.string(),
});

const campaignProducts = z.strictObject({
  products: z.array(
    z.strictObject({
      id: digits,
      review_status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'PENDING_CLOSED', 'CLOSED']),
      name: z.string(),
      main_image_url: z.string(),
      lowest_price: money,
      highest_price: money,
      inventory: int,
      shop_name: z.string(),
      total_commission_rate: int,
      creator_commission_rate: int,
      partner_commission_rate: int,
      open_collaboration_commission_rate: int,
      is_available: z.boolean(),
      product_sales: int,
      category: z.strictObject({ id: z.string(), name: z.string() }),
      sample_quota: int,
      sku_information_list: z.array(
        z.strictObject({
          sku_name: z.string(),
          sku_id: digits,
          inventory: z.strictObject({ available_quantity: digits }),
          base_price: regionPrice,
          region_prices: z.array(regionPrice),
          properties: z.array(z.strictObject({ name: z.string(), value_name: z.string() })),
        }),
      ),
      product_description: z.string().optional(),
    }),
  ),
  next_page_token: z.string(),
  total_count: int,
});

const fulfillment = z.strictObject({
  total_creator_count: int,
  promotion_creators: z.array(
    z.strictObject({
      paid_amount: money,
      room_count: int,
      video_count: int,
      free_sample_status: z.string(),
      commission: digits, // STRING bps (api doc §8.4)
      effective_end_time: z.string().regex(/^\d{13}$/), // STRING milliseconds
      effective_start_time: z.string().regex(/^\d{13}$/),
      creator: z.strictObject({
        nick_name: z.string(),
        avatar_url: z.string(),
        follower_num: int,
        user_name: z.string(),
        creator_open_id: z.string(),
      }),
      affiliate_product_id: z.string(),
    }),
  ),
  next_page_token: z.string(),
});

/** Success-envelope schema per endpoint. */
export const RESPONSE_SCHEMAS: Record<EndpointId, z.ZodType> = {
  token_get: envelope(tokenData),
  token_refresh: envelope(tokenData),
  shops: envelope(shops),
  category_assets: envelope(categoryAssets),
  seller_orders: envelope(sellerOrders),
  creator_orders: envelope(creatorOrders),
  open_collaborations: envelope(openCollaborations),
  open_collaboration_products: envelope(marketplaceProducts),
  target_collaborations: envelope(targetSearch),
  target_collaboration_detail: envelope(z.strictObject({ target_collaboration: targetDetailRecord })),
  campaigns: envelope(campaigns),
  campaign_detail: envelope(campaignDetail),
  campaign_products: envelope(campaignProducts),
  fulfillment: envelope(fulfillment),
};
