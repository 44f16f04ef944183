/**
 * Seller affiliate orders of one shop (api doc §4.1, POST /affiliate_seller/202410/orders/search),
 * generated lazily: order i is a pure function of (shop key, i, virtual now).
 * Quirks reproduced: commission rates are STRINGS in bps; lines have NO sku id; some orders carry
 * exact duplicate lines; actual_* amounts appear only once the order settles; optional fields are
 * sometimes absent (§10 "Optionality").
 * Performance: the JSON text is built directly (every value is a number, a digit id, an enum, an
 * amount or a generated [a-z0-9_] username, so nothing needs escaping); `build` parses it back.
 */
import { applyBps, formatMinor } from '../money.ts';
import { hash4, numericId, pickBy, unit } from '../prng.ts';
import type { CreatorProfile } from './catalog.ts';
import type { ShopModel } from './model.ts';
import type { OrderSource } from './order-source.ts';
import { type Phase, SELLER_STATUS, fateOf, lineCountOf, phaseAt } from './settlement.ts';
import type { OrderTimeline } from './timeline.ts';

export interface ProgramPools {
  open: string[];
  target: string[];
  campaign: string[];
}

const CONTENT_TYPES = [
  'VIDEO',
  'VIDEO',
  'VIDEO',
  'LIVE',
  'LIVE',
  'SHOP',
  'LINKSHARE',
  'PROMOTION_PAGE',
  'PRE_LIVE',
];
const RATES = [500, 800, 1000, 1200, 1500, 2000];
const ADS_RATES = [500, 1000, 5000];

type ProgramKind = 'open' | 'target' | 'campaign';
/** Each line is attributed to one program; the other two id fields are absent (api doc §4.1). */
const PROGRAM_FIELD: Record<ProgramKind, string> = {
  open: 'open_collaboration_id',
  target: 'target_collaboration_id',
  campaign: 'campaign_id',
};

/** Videos and live rooms bring many orders each: content ids come from a per-shop pool. */
const CONTENT_POOL = 997;

export class SellerOrderSource implements OrderSource {
  readonly id: string;
  private readonly currency: string;
  /** Precomputed JSON fragments (hot path): `"price":{...}` and `"product_id":"..."` per product. */
  private readonly priceJson: string[];
  private readonly productIdJson: string[];
  private readonly contentIds: string[];

  constructor(
    readonly timeline: OrderTimeline,
    private readonly key: number,
    private readonly shop: ShopModel,
    private readonly programs: ProgramPools,
    private readonly creators: CreatorProfile[],
  ) {
    this.id = shop.id;
    this.currency = shop.currency;
    this.priceJson = shop.products.map((p) => this.money(p.priceMinor));
    this.productIdJson = shop.products.map((p) => `,"product_id":"${p.id}"`);
    this.contentIds = Array.from({ length: CONTENT_POOL }, (_, i) => numericId('749', i, key ^ 0x3b9aca07));
  }

  /** Seed of line j; an exact duplicate reuses the seed of the line before it. */
  private lineSeed(index: number, j: number, lines: number): number {
    const dup = lines >= 2 && j === lines - 1 && unit(hash4(this.key, index, 3)) < 0.12;
    return hash4(this.key, index, 100 + (dup ? j - 1 : j));
  }

  private program(seed: number): { kind: ProgramKind; id: string } {
    const roll = seed % 100;
    const kind: ProgramKind = roll < 60 ? 'open' : roll < 80 ? 'target' : 'campaign';
    const pool = this.programs[kind].length > 0 ? this.programs[kind] : this.programs.open;
    return { kind, id: pickBy(pool, hash4(seed, 7)) };
  }

  matchesProgram(index: number, programId: string): boolean {
    const lines = lineCountOf(this.key, index);
    for (let j = 0; j < lines; j++) {
      if (this.program(this.lineSeed(index, j, lines)).id === programId) return true;
    }
    return false;
  }

  build(index: number, nowS: number): Record<string, unknown> {
    return JSON.parse(this.buildJson(index, nowS)) as Record<string, unknown>;
  }

  buildJson(index: number, nowS: number): string {
    const createS = this.timeline.createTime(index);
    const fate = fateOf(this.key, index, createS);
    const phase = phaseAt(fate, nowS);
    const lines = lineCountOf(this.key, index);
    let out = `{"id":"${numericId(`57${this.shop.index % 10}`, index, this.key)}","create_time":${createS}`;
    // delivery_time is absent until the parcel is delivered (optional field, api doc §10).
    if (fate.deliveryAtS !== null && nowS >= fate.deliveryAtS) out += `,"delivery_time":${fate.deliveryAtS}`;
    out += `,"status":"${SELLER_STATUS[phase]}","skus":[`;
    for (let j = 0; j < lines; j++) {
      if (j > 0) out += ',';
      out += this.line(this.lineSeed(index, j, lines), phase);
    }
    return `${out}]}`;
  }

  private money(minor: number): string {
    return `{"amount":"${formatMinor(minor, this.currency)}","currency":"${this.currency}"}`;
  }

  private line(seed: number, phase: Phase): string {
    const p = hash4(seed, 9) % this.shop.products.length;
    const product = this.shop.products[p];
    if (!product) throw new Error('empty shop catalog');
    const quantity = 1 + (hash4(seed, 10) % 3);
    const rate = pickBy(RATES, hash4(seed, 11));
    const adsRate = hash4(seed, 12) % 10 < 3 ? pickBy(ADS_RATES, hash4(seed, 13)) : 0;
    const tiered = hash4(seed, 14) % 100 < 15;
    const contentType = pickBy(CONTENT_TYPES, hash4(seed, 15));
    const program = this.program(seed);
    const base = product.priceMinor * quantity;
    let s = `{"${PROGRAM_FIELD[program.kind]}":"${program.id}"`;
    s += `,"creator_username":"${pickBy(this.creators, hash4(seed, 8)).username}"`;
    s += `,"price":${this.priceJson[p]},"quantity":${quantity},"content_type":"${contentType}"`;
    if (contentType === 'VIDEO' || contentType === 'LIVE' || contentType === 'PRE_LIVE') {
      s += `,"content_id":"${this.contentIds[hash4(seed, 16) % CONTENT_POOL]}"`;
    }
    s += `${this.productIdJson[p]},"commission_model":"${tiered ? 'Tiered commission' : 'Fixed commission'}"`;
    if (tiered) s += ',"commission_tier_setting":"3.0 OR 5.0"';
    // Rates are STRINGS of basis points in this endpoint (api doc §4.1, §10 "Rates").
    s += `,"commission_rate":"${rate}","shop_ads_commission_rate":"${adsRate}"`;
    s += `,"estimated_commission_base":${this.money(base)}`;
    s += `,"estimated_paid_commission":${this.money(applyBps(base, rate))}`;
    s += `,"estimated_paid_shop_ads_commission":${this.money(applyBps(base, adsRate))}`;
    const bonus = hash4(seed, 17) % 10 === 0;
    if (bonus) s += `,"estimated_cofunded_creator_bonus_amount":${this.money(applyBps(base, 200))}`;
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = quantity;
      else if (hash4(seed, 18) % 10 === 0) returned = 1;
      const actualBase = product.priceMinor * (quantity - refunded - returned);
      const deducted = phase === 'deducted';
      // Actual amounts appear at settlement (api doc §4.1: price x (qty - returned/refunded)).
      s += `,"actual_commission_base":${this.money(actualBase)}`;
      s += `,"actual_paid_commission":${this.money(deducted ? 0 : applyBps(actualBase, rate))}`;
      s += `,"actual_paid_shop_ads_commission":${this.money(deducted ? 0 : applyBps(actualBase, adsRate))}`;
      if (bonus) s += `,"actual_cofunded_creator_bonus_amount":${this.money(applyBps(actualBase, 200))}`;
    }
    return `${s},"refunded_quantity":${refunded},"returned_quantity":${returned}}`;
  }
}
