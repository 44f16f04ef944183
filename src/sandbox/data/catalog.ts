/**
 * Shared vocabularies of the simulated world: categories, product names, creator profiles.
 * Deterministic from the seed; small and held in memory.
 */
import { Rng, numericId } from '../prng.ts';

export interface Category {
  id: string;
  name: string;
  parentId: string;
  isLeaf: boolean;
}

/** First-level categories and one leaf each (ids as strings, docs/tiktok-api.md#field-conventions). */
export const TOP_CATEGORIES: Category[] = [
  { id: '600001', name: 'Beauty & Personal Care', parentId: '0', isLeaf: false },
  { id: '601152', name: 'Phones & Electronics', parentId: '0', isLeaf: false },
  { id: '602284', name: 'Home Supplies', parentId: '0', isLeaf: false },
  { id: '605196', name: 'Sports & Outdoor', parentId: '0', isLeaf: false },
  { id: '600024', name: 'Womenswear & Underwear', parentId: '0', isLeaf: false },
];
export const LEAF_CATEGORIES: Category[] = [
  { id: '848648', name: 'Lipstick', parentId: '600001', isLeaf: true },
  { id: '909064', name: 'Phone Cases', parentId: '601152', isLeaf: true },
  { id: '853128', name: 'Storage Boxes', parentId: '602284', isLeaf: true },
  { id: '872344', name: 'Yoga Mats', parentId: '605196', isLeaf: true },
  { id: '842632', name: 'Dresses', parentId: '600024', isLeaf: true },
];

const ADJECTIVES = ['Blue', 'Matte', 'Soft', 'Classic', 'Compact', 'Deluxe', 'Eco', 'Glow', 'Silk', 'Urban'];
const NOUNS_BY_TOP: Record<string, string[]> = {
  '600001': ['lipstick', 'serum', 'face mask', 'eyeliner'],
  '601152': ['phone case', 'charger', 'earbuds', 'power bank'],
  '602284': ['storage box', 'towel set', 'candle', 'organizer'],
  '605196': ['yoga mat', 'water bottle', 'resistance band', 'gym bag'],
  '600024': ['dress', 't-shirt', 'cardigan', 'skirt'],
};

export const CURRENCY_BY_REGION: Record<string, string> = {
  US: 'USD',
  GB: 'GBP',
  ID: 'IDR',
  MY: 'MYR',
  VN: 'VND',
};

export interface ProductModel {
  id: string;
  title: string;
  imageUrl: string;
  currency: string;
  /** Sale price in minor units (min of the range). */
  priceMinor: number;
  /** Max of the price range in minor units. */
  maxPriceMinor: number;
  top: Category;
  leaf: Category;
}

export function imageUrl(kind: string, id: string): string {
  return `https://p16-oec-va.ibyteimg.com/tos-maliva-i-sandbox/${kind}-${id}~tplv-origin.webp`;
}

/** A product (shop catalog, marketplace, campaign) with a price typical for its currency. */
export function makeProduct(
  rng: Rng,
  prefix: string,
  index: number,
  key: number,
  currency: string,
): ProductModel {
  const leaf = rng.pick(LEAF_CATEGORIES);
  const top = TOP_CATEGORIES.find((c) => c.id === leaf.parentId) ?? rng.pick(TOP_CATEGORIES);
  const nouns = NOUNS_BY_TOP[top.id] ?? ['item'];
  const id = numericId(prefix, index, key);
  const base = rng.int(299, 8999); // cents
  const priceMinor = currency === 'IDR' ? base * 150 : currency === 'VND' ? base * 250 : base;
  const maxPriceMinor = priceMinor + (rng.chance(0.5) ? 0 : Math.round(priceMinor * rng.float()));
  return {
    id,
    title: `${rng.pick(ADJECTIVES)} ${rng.pick(nouns)} ${index + 1}`,
    imageUrl: imageUrl('product', id),
    currency,
    priceMinor,
    maxPriceMinor,
    top,
    leaf,
  };
}

export interface CreatorProfile {
  index: number;
  username: string;
  nickname: string;
  /** Per-app pseudonymous id (docs/tiktok-api.md#field-conventions). */
  openId: string;
  avatarUrl: string;
  followers: number;
  region: string;
}

const OPEN_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Creator open ids look like the doc's `uACafQAAAABm...` (base64url-ish, 54 chars). */
export function creatorProfiles(seed: number, count: number): CreatorProfile[] {
  const rng = new Rng(seed ^ 0x51ed270b);
  const out: CreatorProfile[] = [];
  for (let i = 0; i < count; i++) {
    let openId = 'uACafQAAAAB';
    while (openId.length < 54) openId += OPEN_ID_ALPHABET[rng.int(0, OPEN_ID_ALPHABET.length - 1)];
    const username = `creator_${String(i + 1).padStart(3, '0')}_${rng.int(100, 999)}`;
    out.push({
      index: i,
      username,
      nickname: `Creator ${i + 1}`,
      openId,
      avatarUrl: `https://p19-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/${username}~c5_720x720.webp`,
      followers: rng.int(50, 2_000_000),
      region: rng.pick(['US', 'GB', 'ID', 'MY']),
    });
  }
  return out;
}
