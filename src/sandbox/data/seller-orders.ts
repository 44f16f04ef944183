/**
 * Seller affiliate orders of one shop (api doc §4.1, POST /affiliate_seller/202410/orders/search),
 * generated lazily: order i is a pure function of (shop key, i, virtual now).
 * Quirks reproduced: commission rates are STRINGS in bps; lines have NO sku id; some orders carry
 * exact duplicate lines; actual_* amounts appear only once the order settles; optional fields are
 * sometimes absent (§10 "Optionality").
 * Performance: the JSON is written directly as UTF-8 bytes, mostly from memoized per-shop
 * fragments (every value is a number, a digit id, an enum, an amount or a generated [a-z0-9_]
 * username, so nothing needs escaping); `build` parses it back for ground truth.
 */
import { ByteWriter, utf8 } from '../byte-writer.ts';
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
  /** `,"content_id":"..."` fragments of the shop's videos and live rooms. */
  private readonly contentIds: Buffer[];
  private readonly idPrefix: string;
  private readonly frags: Fragments;
  private readonly maxPool: number;

  constructor(
    readonly timeline: OrderTimeline,
    private readonly key: number,
    private readonly shop: ShopModel,
    private readonly programs: ProgramPools,
    private readonly creators: CreatorProfile[],
  ) {
    this.id = shop.id;
    this.idPrefix = `57${shop.index % 10}`;
    this.contentIds = Array.from({ length: CONTENT_POOL }, (_, i) =>
      utf8(`,"content_id":"${numericId('749', i, key ^ 0x3b9aca07)}"`),
    );
    if (shop.products.length === 0 || creators.length === 0 || programs.open.length === 0) {
      throw new Error('SellerOrderSource: a shop needs products, creators and open collaborations');
    }
    this.maxPool = Math.max(programs.open.length, programs.target.length, programs.campaign.length);
    this.frags = new Fragments(shop, creators, this.maxPool);
  }

  /** Seed of line j; an exact duplicate reuses the seed of the line before it. */
  private lineSeed(index: number, j: number, lines: number): number {
    const dup = lines >= 2 && j === lines - 1 && unit(hash4(this.key, index, 3)) < 0.12;
    return hash4(this.key, index, 100 + (dup ? j - 1 : j));
  }

  private program(seed: number): { kind: ProgramKind; kindIndex: number; id: string; index: number } {
    const roll = seed % 100;
    const wanted: ProgramKind = roll < 60 ? 'open' : roll < 80 ? 'target' : 'campaign';
    const kind = this.programs[wanted].length > 0 ? wanted : 'open';
    const pool = this.programs[kind];
    const index = hash4(seed, 7) % pool.length;
    return { kind, kindIndex: kind === 'open' ? 0 : kind === 'target' ? 1 : 2, id: pool[index] ?? '', index };
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
    const w = new ByteWriter(4096);
    this.writeJson(index, nowS, w);
    return w.toString();
  }

  writeJson(index: number, nowS: number, w: ByteWriter): void {
    const createS = this.timeline.createTime(index);
    const fate = fateOf(this.key, index, createS);
    const phase = phaseAt(fate, nowS);
    const lines = lineCountOf(this.key, index);
    w.text(`{"id":"${numericId(this.idPrefix, index, this.key)}","create_time":${createS}`);
    // delivery_time is absent until the parcel is delivered (optional field, api doc §10).
    if (fate.deliveryAtS !== null && nowS >= fate.deliveryAtS) w.text(`,"delivery_time":${fate.deliveryAtS}`);
    w.bytes(STATUS_OPEN[phase]);
    for (let j = 0; j < lines; j++) {
      if (j > 0) w.bytes(COMMA);
      this.line(this.lineSeed(index, j, lines), phase, w);
    }
    w.bytes(CLOSE_ORDER);
  }

  private line(seed: number, phase: Phase, w: ByteWriter): void {
    const p = hash4(seed, 9) % this.shop.products.length;
    const q = 1 + (hash4(seed, 10) % 3);
    const ri = hash4(seed, 11) % RATES.length;
    const ai = hash4(seed, 12) % 10 < 3 ? 1 + (hash4(seed, 13) % ADS_RATES.length) : 0;
    const ti = hash4(seed, 14) % 100 < 15 ? 1 : 0;
    const ci = hash4(seed, 15) % CONTENT_TYPES.length;
    const bonus = hash4(seed, 17) % 10 === 0 ? 1 : 0;
    const program = this.program(seed);
    const cr = hash4(seed, 8) % this.creators.length;
    // A line is ~7 memoized byte fragments (see Fragments), copied straight into the page buffer.
    const f = this.frags;
    const hk = (program.kindIndex * this.maxPool + program.index) * this.creators.length + cr;
    w.bytes(f.head[hk] ?? f.setHead(hk, program, cr));
    const mk = (p * 4 + q) * CONTENT_TYPES.length + ci;
    w.bytes(f.mid[mk] ?? f.setMid(mk, p, q, ci));
    const ct = CONTENT_TYPES[ci];
    if (ct === 'VIDEO' || ct === 'LIVE' || ct === 'PRE_LIVE') {
      // The index is taken modulo the pool size.
      w.bytes(this.contentIds[hash4(seed, 16) % CONTENT_POOL]!);
    }
    const rk = ((p * 2 + ti) * RATES.length + ri) * 4 + ai;
    w.bytes(f.rates[rk] ?? f.setRates(rk, p, ti, ri, ai));
    const ek = (((p * 4 + q) * RATES.length + ri) * 4 + ai) * 2 + bonus;
    w.bytes(f.est[ek] ?? f.setEst(ek, p, q, ri, ai, bonus));
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = q;
      else if (hash4(seed, 18) % 10 === 0) returned = 1;
      const qa = q - refunded - returned;
      const ded = phase === 'deducted' ? 1 : 0;
      // Actual amounts appear at settlement (api doc §4.1: price x (qty - returned/refunded)).
      const ak = ((((p * 4 + qa) * RATES.length + ri) * 4 + ai) * 2 + ded) * 2 + bonus;
      w.bytes(f.act[ak] ?? f.setAct(ak, p, qa, ri, ai, ded, bonus));
    }
    // refunded and returned are both <= 3.
    w.bytes(TAILS[refunded * 4 + returned]!);
  }
}

const TAILS = Array.from({ length: 16 }, (_, k) =>
  utf8(`,"refunded_quantity":${Math.floor(k / 4)},"returned_quantity":${k % 4}}`),
);
const COMMA = utf8(',');
const CLOSE_ORDER = utf8(']}');
const STATUS_OPEN = Object.fromEntries(
  Object.entries(SELLER_STATUS).map(([phase, status]) => [phase, utf8(`,"status":"${status}","skus":[`)]),
) as Record<Phase, Buffer>;

/**
 * Memo tables of the UTF-8 JSON fragments of a shop's lines, indexed by small integer keys (dense
 * arrays sized by the catalog: a few MB at most). Built on first use.
 */
class Fragments {
  readonly head: (Buffer | undefined)[];
  readonly mid: (Buffer | undefined)[];
  readonly rates: (Buffer | undefined)[];
  readonly est: (Buffer | undefined)[];
  readonly act: (Buffer | undefined)[];

  constructor(
    private readonly shop: ShopModel,
    private readonly creators: CreatorProfile[],
    maxPool: number,
  ) {
    const np = shop.products.length;
    const r = RATES.length;
    this.head = slots(3 * maxPool * creators.length);
    this.mid = slots(np * 4 * CONTENT_TYPES.length);
    this.rates = slots(np * 2 * r * 4);
    this.est = slots(np * 4 * r * 4 * 2);
    this.act = slots(np * 4 * r * 4 * 2 * 2);
  }

  private money(minor: number): string {
    return `{"amount":"${formatMinor(minor, this.shop.currency)}","currency":"${this.shop.currency}"}`;
  }

  private product(p: number) {
    const product = this.shop.products[p];
    if (!product) throw new Error('shop catalog index out of range');
    return product;
  }

  setHead(k: number, program: { kind: ProgramKind; id: string }, cr: number): Buffer {
    const text = utf8(
      `{"${PROGRAM_FIELD[program.kind]}":"${program.id}","creator_username":"${this.creators[cr]?.username}"`,
    );
    this.head[k] = text;
    return text;
  }

  setMid(k: number, p: number, q: number, ci: number): Buffer {
    const text = utf8(
      `,"price":${this.money(this.product(p).priceMinor)},"quantity":${q},"content_type":"${CONTENT_TYPES[ci]}"`,
    );
    this.mid[k] = text;
    return text;
  }

  setRates(k: number, p: number, ti: number, ri: number, ai: number): Buffer {
    // Rates are STRINGS of basis points in this endpoint (api doc §4.1, §10 "Rates").
    const text = utf8(
      `,"product_id":"${this.product(p).id}","commission_model":"${ti ? 'Tiered commission' : 'Fixed commission'}"` +
        `${ti ? ',"commission_tier_setting":"3.0 OR 5.0"' : ''}` +
        `,"commission_rate":"${RATES[ri]}","shop_ads_commission_rate":"${adsRateOf(ai)}"`,
    );
    this.rates[k] = text;
    return text;
  }

  setEst(k: number, p: number, q: number, ri: number, ai: number, bonus: number): Buffer {
    const base = this.product(p).priceMinor * q;
    const text = utf8(
      `,"estimated_commission_base":${this.money(base)}` +
        `,"estimated_paid_commission":${this.money(applyBps(base, RATES[ri] ?? 0))}` +
        `,"estimated_paid_shop_ads_commission":${this.money(applyBps(base, adsRateOf(ai)))}` +
        (bonus ? `,"estimated_cofunded_creator_bonus_amount":${this.money(applyBps(base, 200))}` : ''),
    );
    this.est[k] = text;
    return text;
  }

  setAct(k: number, p: number, qa: number, ri: number, ai: number, ded: number, bonus: number): Buffer {
    const actualBase = this.product(p).priceMinor * qa;
    const text = utf8(
      `,"actual_commission_base":${this.money(actualBase)}` +
        `,"actual_paid_commission":${this.money(ded ? 0 : applyBps(actualBase, RATES[ri] ?? 0))}` +
        `,"actual_paid_shop_ads_commission":${this.money(ded ? 0 : applyBps(actualBase, adsRateOf(ai)))}` +
        (bonus ? `,"actual_cofunded_creator_bonus_amount":${this.money(applyBps(actualBase, 200))}` : ''),
    );
    this.act[k] = text;
    return text;
  }
}

function slots(n: number): (Buffer | undefined)[] {
  return Array.from({ length: n }, () => undefined);
}

function adsRateOf(ai: number): number {
  return ai === 0 ? 0 : (ADS_RATES[ai - 1] ?? 0);
}
