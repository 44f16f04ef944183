/** Partner campaigns, products and creator fulfillment (docs/tiktok-api.md#partner-campaigns). */
import { z } from 'zod';
import { digits, int, money } from './common.ts';

export const campaignStatus = z.enum(['READY', 'UPCOMING', 'ONGOING', 'CLOSED']);
export const campaignTimes = {
  registration_start_time: int,
  registration_end_time: int,
  campaign_start_time: int,
  campaign_end_time: int,
};

export const campaigns = z.strictObject({
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

export const regionPrice = z.strictObject({
  region_code: z.string(),
  currency: z.string(),
  list_price: z.string(),
  sale_price: z.string(),
  localized_dutiable_price: z.string(),
});

export const campaignProducts = z.strictObject({
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

export const fulfillment = z.strictObject({
  total_creator_count: int,
  promotion_creators: z.array(
    z.strictObject({
      paid_amount: money,
      room_count: int,
      video_count: int,
      free_sample_status: z.string(),
      commission: digits, // STRING bps (docs/tiktok-api.md#creator-fulfillment)
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

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

/** Campaign product statistics list 202501: strings everywhere, bare decimals without currency. */
export const campaignProductPerformance = z.strictObject({
  total_count: int,
  next_page_token: z.string(),
  campaign_product_statistics: z.array(
    z.strictObject({
      data_update_time: z.string().regex(/^\d{13}$/),
      creator_sales_num: int,
      collaborated_creators_num: int,
      promoted_creator_num: int,
      sample_requested_creator_num: int,
      campaign_product_detail: z.strictObject({
        product_id: digits,
        product_status: z.enum([
          'PRODUCT_UNSPECIFIED',
          'PRODUCT_PENDING',
          'PRODUCT_APPROVED',
          'PRODUCT_REJECTED',
          'PRODUCT_PENDING_CLOSED',
          'PRODUCT_CLOSED',
        ]),
        product_name: z.string(),
        product_stock_count: digits,
        total_commission_percent: digits,
        creator_commission_percent: digits,
        partner_commission_percent: digits,
        plan_commission_percent: digits,
        product_price: z.strictObject({ min_price: decimal, max_price: decimal, currency: z.string() }),
        product_thumbnail: z.strictObject({ uri: z.string(), url_list: z.array(z.string()) }),
        indicator_data: z.strictObject({
          paid_order_num: digits,
          actual_order_num: digits,
          estimated_amount: decimal,
          actual_amount: decimal,
          estimated_partner_commission: decimal,
          actual_partner_commission: decimal,
          creator_sales_num: digits,
          collaborated_creators_num: digits,
          promoted_creator_num: digits,
          sample_requested_creator_num: digits,
        }),
      }),
    }),
  ),
});
