/**
 * TAP affiliate orders of one category asset (POST /affiliate_partner/202411/orders/search),
 * generated lazily: the orders attributed to the partner's campaigns, each line naming its
 * campaign, product and creator. The status enum is the seller one (PROCESSING, COMPLETED,
 * CANCELLED, FROZEN, DEDUCTED) and follows the same settlement life cycle as the other order
 * streams, so a later read of an older window sees settlements.
 *
 * Quirk reproduced: the spec and the SDK type `skus` as a SINGLE OBJECT, not a list. A one-line
 * order is served that way; an order with several lines is served as a list (the only shape
 * that can carry them), so a client meets both shapes in every sync.
 */
import type { ByteWriter } from '../byte-writer.ts';
import { applyBps, money } from '../money.ts';
import { hash4, numericId, pickBy } from '../prng.ts';
import type { CreatorProfile } from './catalog.ts';
import type { AssetModel, CampaignModel, CampaignProductModel } from './model.ts';
import type { OrderSource } from './order-source.ts';
import { fateOf, lineCountOf, phaseAt, SELLER_STATUS } from './settlement.ts';
import type { OrderTimeline } from './timeline.ts';

const CONTENT_TYPES = ['VIDEO', 'VIDEO', 'LIVE', 'SHOP', 'LINKSHARE'];

interface LinePick {
  campaign: CampaignModel;
  product: CampaignProductModel;
}

export class PartnerOrderSource implements OrderSource {
  constructor(
    readonly id: string,
    readonly timeline: OrderTimeline,
    private readonly key: number,
    private readonly asset: AssetModel,
    private readonly creators: readonly CreatorProfile[],
  ) {}

  /** The `campaign_id` body filter: whether any line of the order belongs to the campaign. */
  matchesProgram(index: number, campaignId: string): boolean {
    const lines = lineCountOf(this.key, index);
    for (let j = 0; j < lines; j++) {
      if (this.pick(hash4(this.key, index, 100 + j)).campaign.id === campaignId) return true;
    }
    return false;
  }

  buildJson(index: number, nowS: number): string {
    return JSON.stringify(this.build(index, nowS));
  }

  writeJson(index: number, nowS: number, w: ByteWriter): number {
    const order = this.build(index, nowS);
    w.text(JSON.stringify(order));
    const skus = order['skus'];
    return Array.isArray(skus) ? skus.length : 1;
  }

  build(index: number, nowS: number): Record<string, unknown> {
    const createS = this.timeline.createTime(index);
    const fate = fateOf(this.key, index, createS);
    const phase = phaseAt(fate, nowS);
    const lines = lineCountOf(this.key, index);
    const skus: Record<string, unknown>[] = [];
    for (let j = 0; j < lines; j++) {
      skus.push(
        this.line(hash4(this.key, index, 100 + j), numericId('1731', index * 4 + j, this.key), phase),
      );
    }
    const order: Record<string, unknown> = { id: numericId('58', index, this.key), create_time: createS };
    if (fate.deliveryAtS !== null && nowS >= fate.deliveryAtS) order['delivery_time'] = fate.deliveryAtS;
    order['status'] = SELLER_STATUS[phase];
    order['skus'] = skus.length === 1 ? skus[0] : skus;
    return order;
  }

  private pick(seed: number): LinePick {
    const campaign = pickBy(this.asset.campaigns, hash4(seed, 1));
    const product = pickBy(campaign.products, hash4(seed, 2));
    return { campaign, product };
  }

  private line(seed: number, skuId: string, phase: ReturnType<typeof phaseAt>): Record<string, unknown> {
    const { campaign, product } = this.pick(seed);
    const currency = product.product.currency;
    const creator = pickBy(this.creators, hash4(seed, 3));
    const quantity = 1 + (hash4(seed, 4) % 3);
    const contentType = pickBy(CONTENT_TYPES, hash4(seed, 5));
    const partnerRewardRate = hash4(seed, 6) % 5 === 0 ? 200 : 0;
    const creatorRewardRate = hash4(seed, 7) % 4 === 0 ? 300 : 0;
    const base = product.product.priceMinor * quantity;
    const line: Record<string, unknown> = {
      id: skuId,
      campaign_id: campaign.id,
      creator_username: creator.username,
      product_name: product.product.title,
      product_id: product.product.id,
      price: money(product.product.priceMinor, currency),
      quantity,
      content_type: contentType,
    };
    if (contentType === 'VIDEO' || contentType === 'LIVE') {
      line['content_id'] = numericId('749', hash4(seed, 8) & 0x7fffffff, 0x3b9aca07);
    }
    line['creator_commission_rate'] = product.creatorRate;
    line['tap_commission_rate'] = product.partnerRate;
    line['estimated_commission_base'] = money(base, currency);
    line['estimated_creator_commission'] = money(applyBps(base, product.creatorRate), currency);
    line['estimated_tap_commission'] = money(applyBps(base, product.partnerRate), currency);
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = quantity;
      else if (hash4(seed, 9) % 10 === 0) returned = 1;
      const actualBase = product.product.priceMinor * (quantity - refunded - returned);
      const zero = phase === 'deducted';
      line['actual_commission_base'] = money(actualBase, currency);
      line['actual_creator_commission'] = money(
        zero ? 0 : applyBps(actualBase, product.creatorRate),
        currency,
      );
      line['actual_tap_commission'] = money(zero ? 0 : applyBps(actualBase, product.partnerRate), currency);
    }
    line['refunded_quantity'] = refunded;
    line['returned_quantity'] = returned;
    line['partner_commission_reward_rate'] = partnerRewardRate;
    line['estimated_partner_commission_reward_fee'] = money(applyBps(base, partnerRewardRate), currency);
    line['creator_commission_reward_rate'] = creatorRewardRate;
    line['estimated_creator_commission_reward_fee'] = money(applyBps(base, creatorRewardRate), currency);
    if (phase !== 'open') {
      const actualBase = product.product.priceMinor * (quantity - refunded - returned);
      line['actual_partner_commission_reward_fee'] = money(applyBps(actualBase, partnerRewardRate), currency);
      line['actual_creator_commission_reward_fee'] = money(applyBps(actualBase, creatorRewardRate), currency);
    }
    return line;
  }
}
