/**
 * Seller affiliate orders of one shop (api doc §4.1, POST /affiliate_seller/202410/orders/search),
 * generated lazily: order i is a pure function of (shop key, i, virtual now).
 * Quirks reproduced: commission rates are STRINGS in bps; lines have NO sku id; some orders carry
 * exact duplicate lines; actual_* amounts appear only once the order settles; optional fields are
 * sometimes absent (§10 "Optionality").
 * Performance: the JSON is written directly as UTF-8 bytes, mostly from per-shop fragments memoized
 * in the world's page space and copied with a memmove (byte-writer.ts); every value is a number, a
 * digit id, an enum, an amount or a generated [a-z0-9_] username, so nothing needs escaping.
 * `build` parses the same bytes back for ground truth, so the two can never disagree.
 */
import { type ByteWriter, FragmentTable, utf8 } from '../byte-writer.ts';
import { applyBps, formatMinor } from '../money.ts';
import { hash4, hashSeed, hashWith, idFill, idFillWidth, numericId, permute32, unit } from '../prng.ts';
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
  /** `{"id":"57x` : the opening of an order and the prefix of its id. */
  private readonly orderOpen: Buffer;
  private readonly idFill: number;
  private readonly frags: Fragments;
  private readonly maxPool: number;
  /** Sizes of the open, target and campaign pools (KINDS order). */
  private readonly poolSizes: number[];

  constructor(
    /** Where this source's fragments live: every page of it is written into this space. */
    private readonly space: ByteWriter,
    readonly timeline: OrderTimeline,
    private readonly key: number,
    private readonly shop: ShopModel,
    private readonly programs: ProgramPools,
    private readonly creators: CreatorProfile[],
  ) {
    this.id = shop.id;
    const idPrefix = `57${shop.index % 10}`;
    this.orderOpen = utf8(`{"id":"${idPrefix}`);
    this.idFill = idFillWidth(idPrefix.length, 19);
    if (shop.products.length === 0 || creators.length === 0 || programs.open.length === 0) {
      throw new Error('SellerOrderSource: a shop needs products, creators and open collaborations');
    }
    this.poolSizes = KINDS.map((k) => programs[k].length);
    this.maxPool = Math.max(...this.poolSizes);
    this.frags = new Fragments(shop, creators, this.maxPool, key);
  }

  /** Seed of line j; an exact duplicate reuses the seed of the line before it. */
  private lineSeed(index: number, j: number, lines: number): number {
    const dup = lines >= 2 && j === lines - 1 && unit(hash4(this.key, index, 3)) < 0.12;
    return hash4(this.key, index, 100 + (dup ? j - 1 : j));
  }

  /** The program a line is attributed to, as kindIndex * maxPool + index into its pool. */
  private programSlot(seed: number, s = hashSeed(seed)): number {
    const roll = seed % 100;
    let kind = roll < 60 ? 0 : roll < 80 ? 1 : 2;
    if (this.poolSizes[kind] === 0) kind = 0;
    return kind * this.maxPool + (hashWith(s, 7) % (this.poolSizes[kind] as number));
  }

  private programAt(slot: number): { kind: ProgramKind; id: string } {
    const kind = KINDS[Math.floor(slot / this.maxPool)] as ProgramKind;
    return { kind, id: this.programs[kind][slot % this.maxPool] ?? '' };
  }

  matchesProgram(index: number, programId: string): boolean {
    const lines = lineCountOf(this.key, index);
    for (let j = 0; j < lines; j++) {
      if (this.programAt(this.programSlot(this.lineSeed(index, j, lines))).id === programId) return true;
    }
    return false;
  }

  build(index: number, nowS: number): Record<string, unknown> {
    return JSON.parse(this.buildJson(index, nowS)) as Record<string, unknown>;
  }

  buildJson(index: number, nowS: number): string {
    // The page space holds one page at a time and nothing else is being written while this runs
    // (requests are handled synchronously): ground truth borrows it between requests.
    this.space.reset();
    this.writeJson(index, nowS, this.space);
    return this.space.toString();
  }

  writeJson(index: number, nowS: number, w: ByteWriter): void {
    if (w !== this.space)
      throw new Error('SellerOrderSource: pages must be written into the world page space');
    const createS = this.timeline.createTime(index);
    const fate = fateOf(this.key, index, createS);
    const phase = phaseAt(fate, nowS);
    const lines = lineCountOf(this.key, index);
    // The id is numericId(prefix, index, key) written digit by digit (no string per order).
    w.bytes(this.orderOpen);
    w.digits(permute32(index, this.key), 10);
    if (this.idFill > 0) w.digits(idFill(index, this.key, this.idFill), this.idFill);
    w.bytes(CREATE_TIME);
    w.digits(createS);
    // delivery_time is absent until the parcel is delivered (optional field, api doc §10).
    if (fate.deliveryAtS !== null && nowS >= fate.deliveryAtS) {
      w.bytes(DELIVERY_TIME);
      w.digits(fate.deliveryAtS);
    }
    w.bytes(STATUS_OPEN[phase]);
    for (let j = 0; j < lines; j++) {
      if (j > 0) w.bytes(COMMA);
      this.line(this.lineSeed(index, j, lines), phase, w);
    }
    w.bytes(CLOSE_ORDER);
  }

  private line(seed: number, phase: Phase, w: ByteWriter): void {
    // hashWith(s, k) === hash4(seed, k): the line's attributes, one hash each.
    const s = hashSeed(seed);
    const p = hashWith(s, 9) % this.shop.products.length;
    const q = 1 + (hashWith(s, 10) % 3);
    const ri = hashWith(s, 11) % RATES.length;
    const ai = hashWith(s, 12) % 10 < 3 ? 1 + (hashWith(s, 13) % ADS_RATES.length) : 0;
    const ti = hashWith(s, 14) % 100 < 15 ? 1 : 0;
    const ci = hashWith(s, 15) % CONTENT_TYPES.length;
    const bonus = hashWith(s, 17) % 10 === 0 ? 1 : 0;
    const slot = this.programSlot(seed, s);
    const cr = hashWith(s, 8) % this.creators.length;
    // A line is 4-6 memoized fragments (see Fragments), each copied with one memmove.
    const f = this.frags;
    const hk = slot * this.creators.length + cr;
    if (!f.head.has(hk)) f.setHead(w, hk, this.programAt(slot), cr);
    w.frag(f.head, hk);
    const mk = (p * 4 + q) * CONTENT_TYPES.length + ci;
    if (!f.mid.has(mk)) f.setMid(w, mk, p, q, ci);
    w.frag(f.mid, mk);
    if (HAS_CONTENT_ID[ci]) {
      const c = hashWith(s, 16) % CONTENT_POOL;
      if (!f.content.has(c)) f.setContent(w, c);
      w.frag(f.content, c);
    }
    const pk = ((((p * 2 + ti) * RATES.length + ri) * 4 + ai) * 4 + q) * 2 + bonus;
    if (!f.pricing.has(pk)) f.setPricing(w, pk, p, ti, ri, ai, q, bonus);
    w.frag(f.pricing, pk);
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = q;
      else if (hashWith(s, 18) % 10 === 0) returned = 1;
      const qa = q - refunded - returned;
      const ded = phase === 'deducted' ? 1 : 0;
      // Actual amounts appear at settlement (api doc §4.1: price x (qty - returned/refunded)).
      const ak = ((((p * 4 + qa) * RATES.length + ri) * 4 + ai) * 2 + ded) * 2 + bonus;
      if (!f.act.has(ak)) f.setAct(w, ak, p, qa, ri, ai, ded, bonus);
      w.frag(f.act, ak);
    }
    // refunded and returned are both <= 3.
    w.bytes(TAILS[refunded * 4 + returned] as Buffer);
  }
}

const KINDS: readonly ProgramKind[] = ['open', 'target', 'campaign'];
/** Videos, live rooms and pre-lives name their content (content_id); other content types do not. */
const HAS_CONTENT_ID = CONTENT_TYPES.map((t) => t === 'VIDEO' || t === 'LIVE' || t === 'PRE_LIVE');
const TAILS = Array.from({ length: 16 }, (_, k) =>
  utf8(`,"refunded_quantity":${Math.floor(k / 4)},"returned_quantity":${k % 4}}`),
);
const CREATE_TIME = utf8('","create_time":');
const DELIVERY_TIME = utf8(',"delivery_time":');
const COMMA = utf8(',');
const CLOSE_ORDER = utf8(']}');
const STATUS_OPEN = Object.fromEntries(
  Object.entries(SELLER_STATUS).map(([phase, status]) => [phase, utf8(`,"status":"${status}","skus":[`)]),
) as Record<Phase, Buffer>;

/**
 * Memo tables of the UTF-8 JSON fragments of a shop's lines, indexed by small integer keys (dense
 * tables sized by the catalog: a few MB at most), interned into the page space on first use.
 */
class Fragments {
  readonly head: FragmentTable;
  readonly mid: FragmentTable;
  readonly content: FragmentTable;
  /** Product, commission model and rates, then the estimated amounts (one fragment). */
  readonly pricing: FragmentTable;
  readonly act: FragmentTable;

  constructor(
    private readonly shop: ShopModel,
    private readonly creators: CreatorProfile[],
    maxPool: number,
    private readonly key: number,
  ) {
    const np = shop.products.length;
    const r = RATES.length;
    this.head = new FragmentTable(3 * maxPool * creators.length);
    this.mid = new FragmentTable(np * 4 * CONTENT_TYPES.length);
    this.content = new FragmentTable(CONTENT_POOL);
    this.pricing = new FragmentTable(np * 2 * r * 4 * 4 * 2);
    this.act = new FragmentTable(np * 4 * r * 4 * 2 * 2);
  }

  private money(minor: number): string {
    return `{"amount":"${formatMinor(minor, this.shop.currency)}","currency":"${this.shop.currency}"}`;
  }

  private product(p: number) {
    const product = this.shop.products[p];
    if (!product) throw new Error('shop catalog index out of range');
    return product;
  }

  setHead(w: ByteWriter, k: number, program: { kind: ProgramKind; id: string }, cr: number): void {
    const text = `{"${PROGRAM_FIELD[program.kind]}":"${program.id}","creator_username":"${this.creators[cr]?.username}"`;
    w.intern(text, this.head, k);
  }

  setMid(w: ByteWriter, k: number, p: number, q: number, ci: number): void {
    const text = `,"price":${this.money(this.product(p).priceMinor)},"quantity":${q},"content_type":"${CONTENT_TYPES[ci]}"`;
    w.intern(text, this.mid, k);
  }

  /** Content ids come from a per-shop pool: videos and live rooms bring many orders each. */
  setContent(w: ByteWriter, c: number): void {
    w.intern(`,"content_id":"${numericId('749', c, this.key ^ 0x3b9aca07)}"`, this.content, c);
  }

  setPricing(
    w: ByteWriter,
    k: number,
    p: number,
    ti: number,
    ri: number,
    ai: number,
    q: number,
    bonus: number,
  ): void {
    const base = this.product(p).priceMinor * q;
    // Rates are STRINGS of basis points in this endpoint (api doc §4.1, §10 "Rates").
    const text =
      `,"product_id":"${this.product(p).id}","commission_model":"${ti ? 'Tiered commission' : 'Fixed commission'}"` +
      `${ti ? ',"commission_tier_setting":"3.0 OR 5.0"' : ''}` +
      `,"commission_rate":"${RATES[ri]}","shop_ads_commission_rate":"${adsRateOf(ai)}"` +
      `,"estimated_commission_base":${this.money(base)}` +
      `,"estimated_paid_commission":${this.money(applyBps(base, RATES[ri] ?? 0))}` +
      `,"estimated_paid_shop_ads_commission":${this.money(applyBps(base, adsRateOf(ai)))}` +
      (bonus ? `,"estimated_cofunded_creator_bonus_amount":${this.money(applyBps(base, 200))}` : '');
    w.intern(text, this.pricing, k);
  }

  setAct(
    w: ByteWriter,
    k: number,
    p: number,
    qa: number,
    ri: number,
    ai: number,
    ded: number,
    bonus: number,
  ): void {
    const actualBase = this.product(p).priceMinor * qa;
    const text =
      `,"actual_commission_base":${this.money(actualBase)}` +
      `,"actual_paid_commission":${this.money(ded ? 0 : applyBps(actualBase, RATES[ri] ?? 0))}` +
      `,"actual_paid_shop_ads_commission":${this.money(ded ? 0 : applyBps(actualBase, adsRateOf(ai)))}` +
      (bonus ? `,"actual_cofunded_creator_bonus_amount":${this.money(applyBps(actualBase, 200))}` : '');
    w.intern(text, this.act, k);
  }
}

function adsRateOf(ai: number): number {
  return ai === 0 ? 0 : (ADS_RATES[ai - 1] ?? 0);
}
