/**
 * API projections of the seller's open collaborations (docs/tiktok-api.md#open-collaborations) and target collaborations
 * (docs/tiktok-api.md#target-collaborations search, docs/tiktok-api.md#target-collaboration-detail detail). Visibility and status are pure functions of (model, virtual now).
 */
import { applyBps, formatMinor } from '../money.ts';
import type { ProductModel } from './catalog.ts';
import type { OpenCollabModel, TargetCollabModel } from './model.ts';

const DAY = 86_400;

export function priceRange(p: ProductModel): Record<string, string> {
  return {
    currency: p.currency,
    minimum_amount: formatMinor(p.priceMinor, p.currency),
    maximum_amount: formatMinor(p.maxPriceMinor, p.currency),
  };
}

/** TERMINATING collaborations vanish once their commission ends (docs/tiktok-api.md#open-collaborations); removed ones at once. */
export function openCollabVisible(m: OpenCollabModel, nowS: number): boolean {
  return !m.removed && m.createdAtS <= nowS && !(m.terminating && nowS >= m.endS);
}

export function openCollabRecord(m: OpenCollabModel): Record<string, unknown> {
  return {
    id: m.id,
    status: m.terminating ? 'TERMINATING' : 'NORMAL',
    current_commission: { rate: m.rate, start_time: m.startS, end_time: m.endS },
    showcase_creator_count: m.showcaseCreators,
    content_creator_count: m.contentCreators,
    product: {
      id: m.product.id,
      title: m.product.title,
      main_image_url: m.product.imageUrl,
      status: m.productStatus,
      inventory: m.inventory,
      original_price: priceRange(m.product),
    },
  };
}

export type TargetStatus = 'ONGOING' | 'EXPIRING' | 'CANCELING' | 'COMPLETED';
export const TARGET_STATUSES: TargetStatus[] = ['ONGOING', 'EXPIRING', 'CANCELING', 'COMPLETED'];

/**
 * Disjoint status of a target collaboration (docs/tiktok-api.md#target-collaborations): ONGOING (>7 days left), EXPIRING
 * (<7 days), CANCELING (cancel requested, winding down for 3 days), COMPLETED (expired or
 * cancelled). null = not visible (deleted, or not created yet).
 */
export function targetStatus(m: TargetCollabModel, nowS: number): TargetStatus | null {
  if (m.deleted || m.createdAtS > nowS) return null;
  if (m.cancelAtS !== null && nowS >= m.cancelAtS) {
    return nowS < m.cancelAtS + 3 * DAY && nowS < m.endS ? 'CANCELING' : 'COMPLETED';
  }
  if (nowS >= m.endS) return 'COMPLETED';
  return m.endS - nowS > 7 * DAY ? 'ONGOING' : 'EXPIRING';
}

/** VALID = ONGOING + EXPIRING (docs/tiktok-api.md#target-collaborations). */
export function statusMatches(filter: string, status: TargetStatus): boolean {
  return filter === 'VALID' ? status === 'ONGOING' || status === 'EXPIRING' : filter === status;
}

function counts(m: TargetCollabModel): Record<string, number> {
  // Counts include NORMAL members only (docs/tiktok-api.md#target-collaboration-detail).
  const normal = m.creators.filter((c) => c.collaborationStatus === 'NORMAL');
  return {
    showcase_creator_count: normal.filter((c) => c.showcaseProducts > 0).length,
    content_creator_count: normal.filter((c) => c.contentProducts > 0).length,
    product_count: m.products.filter((p) => p.collaborationStatus === 'NORMAL').length,
    invited: normal.length,
  };
}

export function targetSearchRecord(m: TargetCollabModel): Record<string, unknown> {
  const c = counts(m);
  return {
    id: m.id,
    name: m.name,
    message: m.message,
    start_time: m.startS,
    end_time: m.endS,
    update_time: m.updateS,
    // The search response really spells it "inivited" (docs/tiktok-api.md#target-collaborations); the detail does not.
    creator_inivited_count: c['invited'],
    showcase_creator_count: c['showcase_creator_count'],
    content_creator_count: c['content_creator_count'],
    product_count: c['product_count'],
    free_sample_rule: { has_free_sample: m.hasFreeSample, is_sample_approval_exempt: m.sampleApprovalExempt },
    type: m.type,
  };
}

export function targetDetailRecord(m: TargetCollabModel): Record<string, unknown> {
  const c = counts(m);
  return {
    id: m.id,
    name: m.name,
    message: m.message,
    seller_contact_info: { email: m.email },
    start_time: m.startS,
    end_time: m.endS,
    update_time: m.updateS,
    creator_invited_count: c['invited'],
    showcase_creator_count: c['showcase_creator_count'],
    content_creator_count: c['content_creator_count'],
    product_count: c['product_count'],
    free_sample_rule: { has_free_sample: m.hasFreeSample, is_sample_approval_exempt: m.sampleApprovalExempt },
    products: m.products.map((p) => ({
      id: p.product.id,
      main_image_url: p.product.imageUrl,
      title: p.product.title,
      original_price: priceRange(p.product),
      commission: {
        rate: p.rate,
        // effective_time is Unix SECONDS as a STRING in this endpoint (docs/tiktok-api.md#target-collaboration-detail, docs/tiktok-api.md#field-conventions).
        effective_time: String(p.effectiveS),
        currency: p.product.currency,
        minimum_amount: formatMinor(applyBps(p.product.priceMinor, p.rate), p.product.currency),
        maximum_amount: formatMinor(applyBps(p.product.maxPriceMinor, p.rate), p.product.currency),
        shop_ads_commission_rate: p.shopAdsRate,
      },
      status: p.status,
      commission_effective_status: p.effectiveStatus,
      collaboration_status: p.collaborationStatus,
    })),
    creators: m.creators.map((cr) => ({
      username: cr.profile.username,
      nickname: cr.profile.nickname,
      avatar: { url: cr.profile.avatarUrl },
      selection_region: cr.profile.region,
      showcase_product_count: cr.showcaseProducts,
      content_product_count: cr.contentProducts,
      collaboration_status: cr.collaborationStatus,
      product_effective_status: cr.effectiveStatus,
      creator_open_id: cr.profile.openId,
    })),
    type: m.type,
  };
}
