/**
 * Seller affiliate orders of one shop (docs/tiktok-api.md#seller-orders, POST /affiliate_seller/202410/orders/search),
 * generated lazily: order i is a pure function of (shop key, i, virtual now).
 * Quirks reproduced: commission rates are STRINGS in bps; lines have NO sku id; some orders carry
 * exact duplicate lines; actual_* amounts appear only once the order settles; optional fields are
 * sometimes absent (docs/tiktok-api.md#field-conventions "Optionality").
 * Performance: the JSON is written directly as UTF-8 bytes, mostly from per-shop fragments memoized
 * in the world's page space and gathered into the page in one call per page (byte-writer.ts);
 * every value is a number, a digit id, an enum, an amount or a generated [a-z0-9_] username, so
 * nothing needs escaping.
 * `build` parses the same bytes back for ground truth, so the two can never disagree.
 */
import { type ByteWriter, Constant, FragmentTable } from '../byte-writer.ts';
import { applyBps, formatMinor } from '../money.ts';
import {
  hash4,
  hashSeed,
  hashWith,
  idFill,
  idFillWidth,
  modU32,
  numericId,
  permute32,
  unit,
} from '../prng.ts';
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
/** Each line is attributed to one program; the other two id fields are absent (docs/tiktok-api.md#seller-orders). */
const PROGRAM_FIELD: Record<ProgramKind, string> = {
  open: 'open_collaboration_id',
  target: 'target_collaboration_id',
  campaign: 'campaign_id',
};

/** Videos and live rooms bring many orders each: content ids come from a per-shop pool. */
const CONTENT_POOL = 997;

export class SellerOrderSource implements OrderSource {
  readonly id: string;
  /** `{"id":"57x` : the opening of an order and the prefix of its id (one fragment, key 0). */
  private readonly orderOpen = new FragmentTable(1);
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
    space.intern(`{"id":"${idPrefix}`, this.orderOpen, 0);
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
    return kind * this.maxPool + modU32(hashWith(s, 7), this.poolSizes[kind] as number);
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

  writeJson(index: number, nowS: number, w: ByteWriter): number {
    if (w !== this.space)
      throw new Error('SellerOrderSource: pages must be written into the world page space');
    const createS = this.timeline.createTime(index);
    const fate = fateOf(this.key, index, createS);
    const phase = phaseAt(fate, nowS);
    const lines = lineCountOf(this.key, index);
    // The id is numericId(prefix, index, key) written digit by digit (no string per order).
    w.frag(this.orderOpen, 0);
    w.digits(permute32(index, this.key), 10);
    if (this.idFill > 0) w.digits(idFill(index, this.key, this.idFill), this.idFill);
    w.constant(CREATE_TIME);
    w.digits(createS);
    // delivery_time is absent until the parcel is delivered (optional field, docs/tiktok-api.md#field-conventions).
    if (fate.deliveryAtS !== null && nowS >= fate.deliveryAtS) {
      w.constant(DELIVERY_TIME);
      w.digits(fate.deliveryAtS);
    }
    w.constant(STATUS_OPEN[phase]);
    for (let j = 0; j < lines; j++) {
      this.line(this.lineSeed(index, j, lines), phase, j === lines - 1, w);
    }
    return lines;
  }

  /** One sku line, then `,` before the next line or `]}` closing the order after the last. */
  private line(seed: number, phase: Phase, last: boolean, w: ByteWriter): void {
    // hashWith(s, k) === hash4(seed, k): the line's attributes, one hash each.
    const s = hashSeed(seed);
    const p = modU32(hashWith(s, 9), this.shop.products.length);
    const q = 1 + (hashWith(s, 10) % 3);
    const ri = modU32(hashWith(s, 11), RATES.length);
    const ai = hashWith(s, 12) % 10 < 3 ? 1 + modU32(hashWith(s, 13), ADS_RATES.length) : 0;
    const ti = hashWith(s, 14) % 100 < 15 ? 1 : 0;
    const ci = modU32(hashWith(s, 15), CONTENT_TYPES.length);
    const bonus = hashWith(s, 17) % 10 === 0 ? 1 : 0;
    const slot = this.programSlot(seed, s);
    const cr = modU32(hashWith(s, 8), this.creators.length);
    // A line is 7-10 memoized fragments (see Fragments) and two constants: pieces of the page.
    const f = this.frags;
    if (!f.program.has(slot)) f.setProgram(w, slot, this.programAt(slot));
    w.frag(f.program, slot);
    if (!f.creator.has(cr)) f.setCreator(w, cr);
    w.frag(f.creator, cr);
    const mk = (p * 4 + q) * CONTENT_TYPES.length + ci;
    if (!f.mid.has(mk)) f.setMid(w, mk, p, q, ci);
    w.frag(f.mid, mk);
    if (HAS_CONTENT_ID[ci]) {
      const c = hashWith(s, 16) % CONTENT_POOL;
      if (!f.content.has(c)) f.setContent(w, c);
      w.frag(f.content, c);
    }
    const mk2 = p * 2 + ti;
    if (!f.model.has(mk2)) f.setModel(w, mk2, p, ti);
    w.frag(f.model, mk2);
    w.constant(RATE_PAIRS[ri * 4 + ai] as Constant);
    f.amounts(w, ESTIMATED, p, q, ri, ai, 0, bonus);
    let refunded = 0;
    let returned = 0;
    if (phase !== 'open') {
      if (phase === 'cancelled') refunded = q;
      else if (hashWith(s, 18) % 10 === 0) returned = 1;
      // Actual amounts appear at settlement (docs/tiktok-api.md#seller-orders: price x (qty - returned/refunded)).
      f.amounts(w, ACTUAL, p, q - refunded - returned, ri, ai, phase === 'deducted' ? 1 : 0, bonus);
    }
    w.constant(TAILS[(refunded * 4 + returned) * 2 + (last ? 1 : 0)] as Constant);
  }
}

const KINDS: readonly ProgramKind[] = ['open', 'target', 'campaign'];
/** Videos, live rooms and pre-lives name their content (content_id); other content types do not. */
const HAS_CONTENT_ID = CONTENT_TYPES.map((t) => t === 'VIDEO' || t === 'LIVE' || t === 'PRE_LIVE');
// The end of a line (refunded and returned are both <= 3) and what follows it, in one copy.
const TAILS = Array.from({ length: 32 }, (_, k) => {
  const tail = Math.floor(k / 2);
  const after = k % 2 === 0 ? ',' : ']}';
  return new Constant(
    `,"refunded_quantity":${Math.floor(tail / 4)},"returned_quantity":${tail % 4}}${after}`,
  );
});
// Rates are STRINGS of basis points in this endpoint (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#field-conventions "Rates").
const RATE_PAIRS = Array.from(
  { length: RATES.length * 4 },
  (_, k) =>
    new Constant(
      `,"commission_rate":"${RATES[Math.floor(k / 4)]}","shop_ads_commission_rate":"${adsRateOf(k % 4)}"`,
    ),
);
const CREATE_TIME = new Constant('","create_time":');
const DELIVERY_TIME = new Constant(',"delivery_time":');
const STATUS_OPEN = Object.fromEntries(
  Object.entries(SELLER_STATUS).map(([phase, status]) => [
    phase,
    new Constant(`,"status":"${status}","skus":[`),
  ]),
) as Record<Phase, Constant>;

const ESTIMATED = 0;
const ACTUAL = 1;
const AMOUNT_NAMES = [
  [
    'estimated_commission_base',
    'estimated_paid_commission',
    'estimated_paid_shop_ads_commission',
    'estimated_cofunded_creator_bonus_amount',
  ],
  [
    'actual_commission_base',
    'actual_paid_commission',
    'actual_paid_shop_ads_commission',
    'actual_cofunded_creator_bonus_amount',
  ],
] as const;

/**
 * Memo tables of the UTF-8 JSON fragments of a shop's lines, indexed by small integer keys and
 * interned into the page space on first use. Fragments are kept small on purpose: a fragment per
 * independent group of fields keeps all of a shop's fragments under ~1 MB, so the copies hit the
 * CPU cache; one fragment per line-wide combination would need tens of MB and miss it.
 */
class Fragments {
  /** `{"<program field>":"<id>"` per program slot. */
  readonly program: FragmentTable;
  /** `,"creator_username":"<name>"` per creator. */
  readonly creator: FragmentTable;
  readonly mid: FragmentTable;
  readonly content: FragmentTable;
  /** Product id and commission model per (product, tiered). */
  readonly model: FragmentTable;
  /** Commission base and paid commission per (kind, product, quantity, rate, deducted). */
  readonly paid: FragmentTable;
  /** Shop-ads commission and the optional creator bonus per (kind, product, quantity, ads rate, deducted, bonus). */
  readonly extra: FragmentTable;

  constructor(
    private readonly shop: ShopModel,
    private readonly creators: CreatorProfile[],
    maxPool: number,
    private readonly key: number,
  ) {
    const np = shop.products.length;
    const r = RATES.length;
    this.program = new FragmentTable(3 * maxPool);
    this.creator = new FragmentTable(creators.length);
    this.mid = new FragmentTable(np * 4 * CONTENT_TYPES.length);
    this.content = new FragmentTable(CONTENT_POOL);
    this.model = new FragmentTable(np * 2);
    this.paid = new FragmentTable(2 * np * 4 * r * 2);
    this.extra = new FragmentTable(2 * np * 4 * 4 * 2 * 2);
  }

  private money(minor: number): string {
    return `{"amount":"${formatMinor(minor, this.shop.currency)}","currency":"${this.shop.currency}"}`;
  }

  private product(p: number) {
    const product = this.shop.products[p];
    if (!product) throw new Error('shop catalog index out of range');
    return product;
  }

  setProgram(w: ByteWriter, slot: number, program: { kind: ProgramKind; id: string }): void {
    w.intern(`{"${PROGRAM_FIELD[program.kind]}":"${program.id}"`, this.program, slot);
  }

  setCreator(w: ByteWriter, cr: number): void {
    w.intern(`,"creator_username":"${this.creators[cr]?.username}"`, this.creator, cr);
  }

  setMid(w: ByteWriter, k: number, p: number, q: number, ci: number): void {
    const text = `,"price":${this.money(this.product(p).priceMinor)},"quantity":${q},"content_type":"${CONTENT_TYPES[ci]}"`;
    w.intern(text, this.mid, k);
  }

  /** Content ids come from a per-shop pool: videos and live rooms bring many orders each. */
  setContent(w: ByteWriter, c: number): void {
    w.intern(`,"content_id":"${numericId('749', c, this.key ^ 0x3b9aca07)}"`, this.content, c);
  }

  setModel(w: ByteWriter, k: number, p: number, ti: number): void {
    const text =
      `,"product_id":"${this.product(p).id}","commission_model":"${ti ? 'Tiered commission' : 'Fixed commission'}"` +
      `${ti ? ',"commission_tier_setting":"3.0 OR 5.0"' : ''}`;
    w.intern(text, this.model, k);
  }

  /**
   * The four amounts of one kind (estimated, or actual at settlement) for `qty` units; a deducted
   * order's actual commissions are zero (docs/tiktok-api.md#seller-orders).
   */
  amounts(
    w: ByteWriter,
    kind: number,
    p: number,
    qty: number,
    ri: number,
    ai: number,
    ded: number,
    bonus: number,
  ): void {
    const pk = (((kind * this.shop.products.length + p) * 4 + qty) * RATES.length + ri) * 2 + ded;
    if (!this.paid.has(pk)) {
      const base = this.product(p).priceMinor * qty;
      const [baseName, paidName] = AMOUNT_NAMES[kind] ?? AMOUNT_NAMES[0];
      const text = `,"${baseName}":${this.money(base)},"${paidName}":${this.money(ded ? 0 : applyBps(base, RATES[ri] ?? 0))}`;
      w.intern(text, this.paid, pk);
    }
    w.frag(this.paid, pk);
    const xk = ((((kind * this.shop.products.length + p) * 4 + qty) * 4 + ai) * 2 + ded) * 2 + bonus;
    if (!this.extra.has(xk)) {
      const base = this.product(p).priceMinor * qty;
      const [, , adsName, bonusName] = AMOUNT_NAMES[kind] ?? AMOUNT_NAMES[0];
      const text =
        `,"${adsName}":${this.money(ded ? 0 : applyBps(base, adsRateOf(ai)))}` +
        (bonus ? `,"${bonusName}":${this.money(applyBps(base, 200))}` : '');
      w.intern(text, this.extra, xk);
    }
    w.frag(this.extra, xk);
  }
}

function adsRateOf(ai: number): number {
  return ai === 0 ? 0 : (ADS_RATES[ai - 1] ?? 0);
}
