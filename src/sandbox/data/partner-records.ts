/**
 * API projections of partner campaigns (docs/tiktok-api.md#partner-campaigns), creator fulfillment (docs/tiktok-api.md#creator-fulfillment) and the
 * open-collaboration marketplace (docs/tiktok-api.md#open-collaboration-product-search).
 */
import { applyBps, formatMinor, money } from '../money.ts';
import { numericId } from '../prng.ts';
import { priceRange } from './collab-records.ts';
import type {
  CampaignModel,
  CampaignProductModel,
  FulfillmentModel,
  MarketplaceProductModel,
} from './model.ts';

/** Status follows the campaign's own times (READY, UPCOMING, ONGOING, CLOSED; docs/tiktok-api.md#partner-campaigns). */
export function campaignStatus(c: CampaignModel, nowS: number): string {
  if (nowS >= c.campaignEndS) return 'CLOSED';
  if (nowS >= c.campaignStartS) return 'ONGOING';
  if (nowS < c.registrationEndS) return 'READY';
  return 'UPCOMING';
}

export function campaignSummaryRecord(c: CampaignModel, nowS: number): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    status: campaignStatus(c, nowS),
    registration_start_time: c.registrationStartS,
    registration_end_time: c.registrationEndS,
    campaign_start_time: c.campaignStartS,
    campaign_end_time: c.campaignEndS,
  };
}

export function campaignDetailRecord(c: CampaignModel, nowS: number): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: campaignStatus(c, nowS),
    region: c.region,
    registration_start_time: c.registrationStartS,
    registration_end_time: c.registrationEndS,
    campaign_start_time: c.campaignStartS,
    campaign_end_time: c.campaignEndS,
    commission_rate: c.commissionRate,
    contact_info: { ...c.contact },
    target_shops: c.targetShops.map((s) => ({ ...s })),
    target_seller_types: [...c.targetSellerTypes],
  };
}

export function campaignProductRecord(p: CampaignProductModel, region: string): Record<string, unknown> {
  const currency = p.product.currency;
  const skus = [];
  for (let k = 0; k < p.skuCount; k++) {
    const price = {
      region_code: region,
      currency,
      list_price: formatMinor(p.product.maxPriceMinor, currency),
      sale_price: formatMinor(p.product.priceMinor, currency),
      localized_dutiable_price: formatMinor(Math.round(p.product.priceMinor * 0.87), currency),
    };
    skus.push({
      sku_name: `${p.product.title} / option ${k + 1}`,
      sku_id: numericId('17296', k, Number(p.product.id.slice(-9))),
      // available_quantity is a STRING here (docs/tiktok-api.md#campaign-products).
      inventory: { available_quantity: String(Math.floor(p.inventory / p.skuCount)) },
      base_price: price,
      region_prices: [{ ...price }],
      properties: [{ name: 'Option', value_name: `option ${k + 1}` }],
    });
  }
  const record: Record<string, unknown> = {
    id: p.product.id,
    review_status: p.reviewStatus,
    name: p.product.title,
    main_image_url: p.product.imageUrl,
    lowest_price: money(p.product.priceMinor, currency),
    highest_price: money(p.product.maxPriceMinor, currency),
    inventory: p.inventory,
    shop_name: p.shopName,
    total_commission_rate: p.totalRate,
    creator_commission_rate: p.creatorRate,
    partner_commission_rate: p.partnerRate,
    open_collaboration_commission_rate: p.openRate,
    is_available: p.isAvailable,
    product_sales: p.productSales,
    category: { id: p.product.leaf.id, name: p.product.leaf.name },
    sample_quota: p.sampleQuota,
    sku_information_list: skus,
  };
  // Optional and sometimes absent (docs/tiktok-api.md#field-conventions).
  if (p.productSales % 5 !== 0)
    record['product_description'] = `<p>${p.product.title}: sandbox description.</p>`;
  return record;
}

export function fulfillmentRecord(f: FulfillmentModel, currency: string): Record<string, unknown> {
  return {
    paid_amount: money(f.paidMinor, currency),
    room_count: f.rooms,
    video_count: f.videos,
    free_sample_status: f.freeSampleStatus,
    // A rate in bps as a STRING, not money (docs/tiktok-api.md#creator-fulfillment).
    commission: String(f.commissionBps),
    // STRING MILLISECONDS although the doc text says "Unix epoch" (docs/tiktok-api.md#creator-fulfillment, docs/tiktok-api.md#field-conventions).
    effective_end_time: String(f.effectiveEndMs),
    effective_start_time: String(f.effectiveStartMs),
    creator: {
      nick_name: f.profile.nickname,
      avatar_url: `${f.profile.avatarUrl}?x-expires=${Math.floor(f.joinedAtMs / 1000) + 86_400}`,
      follower_num: f.profile.followers,
      user_name: f.profile.username,
      creator_open_id: f.profile.openId,
    },
    affiliate_product_id: f.affiliateProductId,
  };
}

export function marketplaceRecord(m: MarketplaceProductModel): Record<string, unknown> {
  const p = m.product;
  const record: Record<string, unknown> = {
    shop: { name: m.shopName },
    id: p.id,
    has_inventory: m.hasInventory,
  };
  if (m.unitsSold !== null) record['units_sold'] = m.unitsSold;
  record['title'] = p.title;
  record['sale_region'] = m.saleRegion;
  record['main_image_url'] = p.imageUrl;
  record['detail_link'] = `https://shop.tiktok.com/view/product/${p.id}?region=${m.saleRegion}&local=en`;
  record['original_price'] = {
    currency: p.currency,
    minimum_amount: formatMinor(p.priceMinor, p.currency),
    maximum_amount: formatMinor(m.originalMaxMinor, p.currency),
  };
  record['category_chains'] = [
    { id: p.top.id, local_name: p.top.name, is_leaf: false, parent_id: p.top.parentId },
    { id: p.leaf.id, local_name: p.leaf.name, is_leaf: true, parent_id: p.leaf.parentId },
  ];
  record['commission'] = {
    rate: m.rate,
    currency: p.currency,
    amount: formatMinor(applyBps(p.priceMinor, m.rate), p.currency),
  };
  record['sales_price'] = priceRange(p);
  return record;
}
