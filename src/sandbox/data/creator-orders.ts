/**
 * Creator affiliate orders of one creator (docs/tiktok-api.md#creator-orders, POST /affiliate_creator/202410/orders/search),
 * generated lazily. Differences from the seller variant reproduced here: the creator status enum
 * (ORDERED/SETTLED/REFUNDED/FROZEN/DEDUCTED), a sku `id` per line (unique within an order),
 * product_name/shop_name, rates as INTEGER bps, and localized display amounts such as "Rp9.900"
 * for IDR in some records (the official example does this, docs/tiktok-api.md#creator-orders/docs/tiktok-api.md#field-conventions).
 */
import type { ByteWriter } from '../byte-writer.ts';
import { applyBps, formatLocalizedIdr, money } from '../money.ts';
import { hash4, numericId, pickBy, unit } from '../prng.ts';
import type { ProductModel } from './catalog.ts';
import type { OrderSource } from './order-source.ts';
import { CREATOR_STATUS, fateOf, lineCountOf, phaseAt } from './settlement.ts';
import type { OrderTimeline } from './timeline.ts';

export interface CreatorShop {
  name: string;
  products: ProductModel[];
}

/** time_type of the trace order search: which of an order's times its time_ge / time_lt filter. */
export type TraceTimeType = 'PAY_TIME' | 'DELIVERY_TIME' | 'SETTLE_TIME' | 'CREATE_TIME';

/** Fields the trace order search does not return (its response drops them from every sku). */
const TRACE_DROPPED = ['tag', 'commission_model', 'commission_tier_setting'];

/** Settlement and frozen resolutions happen at most 80 days after creation (settlement.ts). */
export const TRACE_MAX_SETTLE_LAG_S = 80 * 86_400;

const CONTENT_TYPES = ['VIDEO', 'VIDEO', 'LIVE', 'SHOP', 'LINKSHARE', 'PROMOTION_PAGE'];
const RATES = [500, 800, 1000, 1500, 2000];

export class CreatorOrderSource implements OrderSource {
  constructor(
    readonly id: string,
    readonly timeline: OrderTimeline,
    private readonly key: number,
    private readonly shops: CreatorShop[],
  ) {}

  /** The creator endpoint has no program_id filter (docs/tiktok-api.md#creator-orders). */
  matchesProgram(): boolean {
    return false;
  }

  buildJson(index: number, nowS: number): string {
    return JSON.stringify(this.build(index, nowS));
  }

  writeJson(index: number, nowS: number, w: ByteWriter): number {
    const order = this.build(index, nowS);
    w.text(JSON.stringify(order));
    return (order['skus'] as unknown[]).length;
  }

  build(index: number, nowS: number): Record<string, unknown> {
    const createS = this.timeline.createTime(index);
    const fate = fateOf(this.key, index, createS);
    const phase = phaseAt(fate, nowS);
    const lines = lineCountOf(this.key, index);
    const shop = pickBy(this.shops, hash4(this.key, index, 7));
    // Some IDR orders carry localized display amounts ("Rp9.900"), as in the official example.
    const localized = unit(hash4(this.key, index, 8)) < 0.3;
    const skus: Record<string, unknown>[] = [];
    for (let j = 0; j < lines; j++) {
      skus.push(
        this.line(
          hash4(this.key, index, 100 + j),
          numericId('1729', index * 4 + j, this.key),
          shop,
          phase,
          localized,
        ),
      );
    }
    const order: Record<string, unknown> = {
      id: numericId('78', index, this.key),
      create_time: createS,
    };
    if (fate.deliveryAtS !== null && nowS >= fate.deliveryAtS) order['delivery_time'] = fate.deliveryAtS;
    order['status'] = CREATOR_STATUS[phase];
    order['skus'] = skus;
    return order;
  }

  /** Sku lines of the order. */
  lineCount(index: number): number {
    return lineCountOf(this.key, index);
  }

  /**
   * The order's time of `type` at nowS, or null when it has none yet. PAY_TIME is the create time
   * (the sandbox's orders are paid when placed). SETTLE_TIME is when the commission settled: the
   * settlement of a completed order, the resolution of a frozen one (SETTLED or DEDUCTED); a
   * REFUNDED order never settles (no commission), and a FROZEN one has not settled yet.
   */
  traceTime(index: number, type: TraceTimeType, nowS: number): number | null {
    const createS = this.timeline.createTime(index);
    if (type === 'CREATE_TIME' || type === 'PAY_TIME') return createS;
    const fate = fateOf(this.key, index, createS);
    const at =
      type === 'DELIVERY_TIME' ? fate.deliveryAtS : fate.outcome === 'cancelled' ? null : fate.finalAtS;
    return at !== null && at <= nowS ? at : null;
  }

  /**
   * The order as the trace search returns it: the 202410 record with `id` a JSON NUMBER (written
   * as its exact digits: above 2^53, a client reading it as a double loses it), each sku with the
   * order's delivery_time and a trace object, and without tag, commission_model and
   * commission_tier_setting.
   */
  buildTraceJson(index: number, nowS: number): string {
    const order = this.build(index, nowS);
    const skus = (order['skus'] as Record<string, unknown>[]).map((sku, j) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(sku)) if (!TRACE_DROPPED.includes(k)) out[k] = v;
      if (order['delivery_time'] !== undefined) out['delivery_time'] = order['delivery_time'];
      out['trace'] = {
        id: numericId('77', index * 4 + j, this.key),
        type: sku['target_collaboration_id'] === undefined ? 'GENERAL' : 'SPECIFIC',
      };
      return out;
    });
    const id = String(order['id']);
    if (!/^\d+$/.test(id)) throw new Error(`creator order id ${id} is not numeric`);
    const rest = JSON.stringify({ ...order, id: 0, skus });
    return `{"id":${id}${rest.slice('{"id":0'.length)}`;
  }

  private line(
    seed: number,
    skuId: string,
    shop: CreatorShop,
    phase: ReturnType<typeof phaseAt>,
    localized: boolean,
  ): Record<string, unknown> {
    const product = pickBy(shop.products, hash4(seed, 9));
    const currency = product.currency;
    const amount = (minor: number) =>
      localized && currency === 'IDR'
        ? { amount: formatLocalizedIdr(minor), currency }
        : money(minor, currency);
    const quantity = 1 + (hash4(seed, 10) % 3);
    const rate = pickBy(RATES, hash4(seed, 11));
    const bonusRate = hash4(seed, 12) % 4 === 0 ? 500 : 0;
    const adsRate = hash4(seed, 13) % 10 < 3 ? 1000 : 0;
    const rewardRate = hash4(seed, 14) % 5 === 0 ? 300 : 0;
    const contentType = pickBy(CONTENT_TYPES, hash4(seed, 15));
    const base = product.priceMinor * quantity;
    const line: Record<string, unknown> = { id: skuId };
    const programRoll = seed % 3;
    const programId = numericId('73', hash4(seed, 16) % 5000, 0x2545f491, 11);
    if (programRoll === 0) line['campaign_id'] = programId;
    else if (programRoll === 1) line['open_collaboration_id'] = programId;
    else line['target_collaboration_id'] = programId;
    line['product_name'] = product.title;
    line['product_id'] = product.id;
    line['price'] = amount(product.priceMinor);
    line['shop_name'] = shop.name;
    line['content_type'] = contentType;
    if (contentType === 'VIDEO' || contentType === 'LIVE') {
      line['content_id'] = numericId('749', hash4(seed, 17) & 0x7fffffff, 0x3b9aca07);
    }
    line['quantity'] = quantity;
    // Rates are INTEGER bps here, unlike the seller variant (docs/tiktok-api.md#creator-orders, docs/tiktok-api.md#field-conventions "Rates").
    line['commission_rate'] = rate;
    if (hash4(seed, 18) % 100 < 15) {
      line['commission_tier_setting'] = '3.0 OR 5.0';
      line['commission_model'] = 'Tiered commission';
    } else {
      line['commission_model'] = 'Fixed commission';
    }
    line['commission_bonus_rate'] = bonusRate;
    line['estimated_commission_base'] = amount(base);
    line['shop_ads_commission_rate'] = adsRate;
    line['estimated_bonus_commission'] = amount(applyBps(base, bonusRate));
    line['estimated_shop_ads_commission'] = amount(applyBps(base, adsRate));
    line['estimated_commission'] = amount(applyBps(base, rate));
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = quantity;
      else if (hash4(seed, 19) % 10 === 0) returned = 1;
      const actualBase = product.priceMinor * (quantity - refunded - returned);
      const zero = phase === 'deducted';
      line['actual_commission'] = amount(zero ? 0 : applyBps(actualBase, rate));
      line['actual_bonus_commission'] = amount(zero ? 0 : applyBps(actualBase, bonusRate));
      line['actual_commission_base'] = amount(actualBase);
      line['actual_shop_ads_commission'] = amount(zero ? 0 : applyBps(actualBase, adsRate));
    }
    line['returned_quantity'] = returned;
    line['refunded_quantity'] = refunded;
    if (hash4(seed, 20) % 4 === 0) line['tag'] = `campaign-${hash4(seed, 21) % 20}`;
    line['creator_commission_reward_rate'] = rewardRate;
    // Reward fees are plain decimals even in localized orders (as in the official example).
    line['estimated_creator_commission_reward_fee'] = money(applyBps(base, rewardRate), currency);
    if (phase !== 'open') {
      const actualBase = product.priceMinor * (quantity - refunded - returned);
      line['actual_creator_commission_reward_fee'] = money(applyBps(actualBase, rewardRate), currency);
    }
    return line;
  }
}
