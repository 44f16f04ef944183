/** Order search responses: seller (docs/tiktok-api.md#seller-orders) and creator (docs/tiktok-api.md#creator-orders), 202410. */
import { z } from 'zod';
import { digits, int, money } from './common.ts';

export const contentType = z.enum(['SHOP', 'VIDEO', 'LIVE', 'PRE_LIVE', 'PROMOTION_PAGE', 'LINKSHARE']);

export const sellerSku = z.strictObject({
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
  // STRING bps in the seller variant (docs/tiktok-api.md#seller-orders).
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

export const sellerOrders = z.strictObject({
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

export const creatorSku = z.strictObject({
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
  // INTEGER bps in the creator variant (docs/tiktok-api.md#creator-orders).
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

export const creatorOrders = z.strictObject({
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

/**
 * Creator trace orders 202505: the 202410 order with `id` a JSON NUMBER (beyond 2^53: a schema test
 * that parses with JSON.parse sees a rounded value, still an integer), each sku with the order's
 * delivery_time and a trace object, and without tag, commission_model, commission_tier_setting.
 */
export const creatorTraceOrders = z.strictObject({
  orders: z.array(
    z.strictObject({
      id: z.number().int().nonnegative(),
      create_time: int,
      delivery_time: int.optional(),
      status: z.enum(['UNSPECIFIED', 'ORDERED', 'SETTLED', 'REFUNDED', 'FROZEN', 'DEDUCTED']),
      skus: z
        .array(
          creatorSku.omit({ tag: true, commission_model: true, commission_tier_setting: true }).extend({
            delivery_time: int.optional(),
            trace: z.strictObject({ id: digits, type: z.enum(['SPECIFIC', 'GENERAL']) }),
          }),
        )
        .min(1),
    }),
  ),
  next_page_token: z.string().optional(),
  total_count: int,
});

/** One TAP order line; rates are INTEGER bps. */
export const partnerSku = z.strictObject({
  id: digits,
  campaign_id: digits,
  creator_username: z.string(),
  product_name: z.string(),
  product_id: digits,
  price: money,
  quantity: int,
  content_type: contentType,
  content_id: z.string().optional(),
  creator_commission_rate: int,
  tap_commission_rate: int,
  estimated_commission_base: money,
  estimated_creator_commission: money,
  estimated_tap_commission: money,
  actual_commission_base: money.optional(),
  actual_creator_commission: money.optional(),
  actual_tap_commission: money.optional(),
  refunded_quantity: int,
  returned_quantity: int,
  partner_commission_reward_rate: int,
  estimated_partner_commission_reward_fee: money,
  actual_partner_commission_reward_fee: money.optional(),
  creator_commission_reward_rate: int,
  estimated_creator_commission_reward_fee: money,
  actual_creator_commission_reward_fee: money.optional(),
});

/** TAP orders 202411: `skus` is a single object as documented, or a list when an order has several lines. */
export const partnerOrders = z.strictObject({
  orders: z.array(
    z.strictObject({
      id: digits,
      create_time: int,
      delivery_time: int.optional(),
      status: z.enum(['ALL', 'PROCESSING', 'COMPLETED', 'CANCELLED', 'FROZEN', 'DEDUCTED']),
      skus: z.union([partnerSku, z.array(partnerSku).min(2)]),
    }),
  ),
  next_page_token: z.string(),
  total_count: int,
});
