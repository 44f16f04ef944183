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
import { hash4, numericId, unit } from '../prng.ts';
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
  private readonly fragments = new Map<number, string>();

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
    this.contentIds = Array.from(
      { length: CONTENT_POOL },
      (_, i) => `,"content_id":"${numericId('749', i, key ^ 0x3b9aca07)}"`,
    );
    if (shop.products.length === 0 || creators.length === 0 || programs.open.length === 0) {
      throw new Error('SellerOrderSource: a shop needs products, creators and open collaborations');
    }
  }

  /** Seed of line j; an exact duplicate reuses the seed of the line before it. */
  private lineSeed(index: number, j: number, lines: number): number {
    const dup = lines >= 2 && j === lines - 1 && unit(hash4(this.key, index, 3)) < 0.12;
    return hash4(this.key, index, 100 + (dup ? j - 1 : j));
  }

  private program(seed: number): { kind: ProgramKind; id: string; index: number } {
    const roll = seed % 100;
    const wanted: ProgramKind = roll < 60 ? 'open' : roll < 80 ? 'target' : 'campaign';
    const kind = this.programs[wanted].length > 0 ? wanted : 'open';
    const pool = this.programs[kind];
    const index = hash4(seed, 7) % pool.length;
    return { kind, id: pool[index] ?? '', index };
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

  /** Flat JSON fragments, memoized by small integer keys: a line is ~7 concatenations. */
  private memo(key: number, build: () => string): string {
    let text = this.fragments.get(key);
    if (text === undefined) {
      text = build();
      this.fragments.set(key, text);
    }
    return text;
  }

  private line(seed: number, phase: Phase): string {
    const p = hash4(seed, 9) % this.shop.products.length;
    const product = this.shop.products[p];
    if (!product) throw new Error('empty shop catalog');
    const q = 1 + (hash4(seed, 10) % 3);
    const ri = hash4(seed, 11) % RATES.length;
    const ai = hash4(seed, 12) % 10 < 3 ? 1 + (hash4(seed, 13) % ADS_RATES.length) : 0;
    const ti = hash4(seed, 14) % 100 < 15 ? 1 : 0;
    const ci = hash4(seed, 15) % CONTENT_TYPES.length;
    const bonus = hash4(seed, 17) % 10 === 0 ? 1 : 0;
    const rate = RATES[ri] ?? 0;
    const adsRate = ai === 0 ? 0 : (ADS_RATES[ai - 1] ?? 0);
    const contentType = CONTENT_TYPES[ci] ?? 'SHOP';
    const program = this.program(seed);
    const cr = hash4(seed, 8) % this.creators.length;
    // Segment keys are disjoint by their low 3 bits (the segment kind).
    const head = this.memo(
      ((program.kind === 'open' ? 0 : program.kind === 'target' ? 1 : 2) * 4096 + program.index) * 2048 +
        cr * 8,
      () =>
        `{"${PROGRAM_FIELD[program.kind]}":"${program.id}","creator_username":"${this.creators[cr]?.username}"`,
    );
    let s = head;
    s += this.memo(
      ((p * 4 + q) * 16 + ci) * 8 + 1,
      () => `,"price":${this.priceJson[p]},"quantity":${q},"content_type":"${contentType}"`,
    );
    if (contentType === 'VIDEO' || contentType === 'LIVE' || contentType === 'PRE_LIVE') {
      s += this.contentIds[hash4(seed, 16) % CONTENT_POOL];
    }
    // Rates are STRINGS of basis points in this endpoint (api doc §4.1, §10 "Rates").
    s += this.memo(
      (((p * 2 + ti) * 8 + ri) * 4 + ai) * 8 + 2,
      () =>
        `${this.productIdJson[p]},"commission_model":"${ti ? 'Tiered commission' : 'Fixed commission'}"` +
        `${ti ? ',"commission_tier_setting":"3.0 OR 5.0"' : ''},"commission_rate":"${rate}","shop_ads_commission_rate":"${adsRate}"`,
    );
    const base = product.priceMinor * q;
    s += this.memo(
      ((((p * 4 + q) * 8 + ri) * 4 + ai) * 2 + bonus) * 8 + 3,
      () =>
        `,"estimated_commission_base":${this.money(base)},"estimated_paid_commission":${this.money(applyBps(base, rate))}` +
        `,"estimated_paid_shop_ads_commission":${this.money(applyBps(base, adsRate))}` +
        (bonus ? `,"estimated_cofunded_creator_bonus_amount":${this.money(applyBps(base, 200))}` : ''),
    );
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = q;
      else if (hash4(seed, 18) % 10 === 0) returned = 1;
      const qa = q - refunded - returned;
      const ded = phase === 'deducted' ? 1 : 0;
      // Actual amounts appear at settlement (api doc §4.1: price x (qty - returned/refunded)).
      s += this.memo((((((p * 4 + qa) * 8 + ri) * 4 + ai) * 2 + ded) * 2 + bonus) * 8 + 4, () => {
        const actualBase = product.priceMinor * qa;
        return (
          `,"actual_commission_base":${this.money(actualBase)}` +
          `,"actual_paid_commission":${this.money(ded ? 0 : applyBps(actualBase, rate))}` +
          `,"actual_paid_shop_ads_commission":${this.money(ded ? 0 : applyBps(actualBase, adsRate))}` +
          (bonus ? `,"actual_cofunded_creator_bonus_amount":${this.money(applyBps(actualBase, 200))}` : '')
        );
      });
    }
    return (
      s +
      this.memo(
        (refunded * 4 + returned) * 8 + 5,
        () => `,"refunded_quantity":${refunded},"returned_quantity":${returned}}`,
      )
    );
  }
}
