/**
 * Campaign product statistics (GET /affiliate_partner/202501/campaigns/{campaign_id}/products/performance,
 * data.campaign_product_statistics[]), projected from the campaign product model so a mutation that
 * grows sales or creators shows in the next read. Quirks reproduced: every indicator_data value is a
 * STRING, the money values are bare decimals without a currency, the four *_percent rates are
 * strings in bps, and data_update_time is a string of milliseconds (the day the statistics were
 * last computed).
 */
import { applyBps, formatMinor } from '../money.ts';
import type { CampaignProductModel } from './model.ts';

const DAY_MS = 86_400_000;

/** The campaign review status, in the product_status enum of this endpoint. */
const PRODUCT_STATUS: Record<string, string> = {
  PENDING: 'PRODUCT_PENDING',
  APPROVED: 'PRODUCT_APPROVED',
  REJECTED: 'PRODUCT_REJECTED',
  PENDING_CLOSED: 'PRODUCT_PENDING_CLOSED',
  CLOSED: 'PRODUCT_CLOSED',
};

export function productPerformanceRecord(p: CampaignProductModel, nowMs: number): Record<string, unknown> {
  const currency = p.product.currency;
  const paidOrders = p.productSales;
  const actualOrders = Math.floor(paidOrders * 0.8);
  const estimatedMinor = p.product.priceMinor * paidOrders;
  const actualMinor = p.product.priceMinor * actualOrders;
  const creatorSales = p.creators.filter((c) => c.paidMinor > 0).length;
  const collaborated = p.creators.length;
  const promoted = p.creators.filter((c) => c.videos + c.rooms > 0).length;
  const sampleRequested = p.creators.filter((c) => c.freeSampleStatus !== 'NOT_REQUESTED').length;
  return {
    data_update_time: String(Math.floor(nowMs / DAY_MS) * DAY_MS),
    creator_sales_num: creatorSales,
    collaborated_creators_num: collaborated,
    promoted_creator_num: promoted,
    sample_requested_creator_num: sampleRequested,
    campaign_product_detail: {
      product_id: p.product.id,
      product_status: PRODUCT_STATUS[p.reviewStatus] ?? 'PRODUCT_UNSPECIFIED',
      product_name: p.product.title,
      product_stock_count: String(p.inventory),
      total_commission_percent: String(p.totalRate),
      creator_commission_percent: String(p.creatorRate),
      partner_commission_percent: String(p.partnerRate),
      plan_commission_percent: String(p.openRate),
      product_price: {
        min_price: formatMinor(p.product.priceMinor, currency),
        max_price: formatMinor(p.product.maxPriceMinor, currency),
        currency,
      },
      product_thumbnail: { uri: `product-${p.product.id}`, url_list: [p.product.imageUrl] },
      indicator_data: {
        paid_order_num: String(paidOrders),
        actual_order_num: String(actualOrders),
        estimated_amount: formatMinor(estimatedMinor, currency),
        actual_amount: formatMinor(actualMinor, currency),
        estimated_partner_commission: formatMinor(applyBps(estimatedMinor, p.partnerRate), currency),
        actual_partner_commission: formatMinor(applyBps(actualMinor, p.partnerRate), currency),
        creator_sales_num: String(creatorSales),
        collaborated_creators_num: String(collaborated),
        promoted_creator_num: String(promoted),
        sample_requested_creator_num: String(sampleRequested),
      },
    },
  };
}
