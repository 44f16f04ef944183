/**
 * Builds the seller side of the world: shops with catalogs, open collaborations and target
 * collaborations (each status class of docs/tiktok-api.md#target-collaborations represented at the start time).
 */
import { Rng, hashString, numericId, worldId } from '../prng.ts';
import { CURRENCY_BY_REGION, type CreatorProfile, makeProduct } from './catalog.ts';
import type {
  OpenCollabModel,
  SellerModel,
  ShopModel,
  TargetCollabModel,
  TargetCreatorModel,
  TargetProductModel,
} from './model.ts';

const DAY = 86_400;
const SHOP_REGIONS = ['US', 'GB', 'ID', 'MY'];
const CIPHER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PRODUCT_STATUSES = ['LIVE', 'LIVE', 'LIVE', 'LIVE', 'OUT_OF_STOCK', 'SELLER_DEACTIVATE'];

export function randomToken(rng: Rng, length: number, alphabet = CIPHER_ALPHABET): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

export function buildSellers(seed: number, shopsPerSeller: number[], productsPerShop: number): SellerModel[] {
  const rng = new Rng(seed ^ hashString('sellers'));
  const sellers: SellerModel[] = [];
  let shopIndex = 0;
  shopsPerSeller.forEach((shopCount, s) => {
    // worldId, not numericId(..., seed ^ salt): ids must differ across seeds too (see worldId).
    const openId = worldId('70107', seed, s, 0x1234567);
    const shops: ShopModel[] = [];
    for (let k = 0; k < shopCount; k++, shopIndex++) {
      const region = SHOP_REGIONS[shopIndex % SHOP_REGIONS.length] ?? 'US';
      const currency = CURRENCY_BY_REGION[region] ?? 'USD';
      const sellerType = region === 'US' ? 'LOCAL' : 'CROSS_BORDER';
      const products = [];
      for (let p = 0; p < productsPerShop; p++) {
        products.push(makeProduct(rng, '1729', shopIndex * 1000 + p, seed ^ 0x7a3f11, currency));
      }
      shops.push({
        index: shopIndex,
        id: worldId('7000', seed, shopIndex, 0x51f3a9),
        name: `Sandbox ${region} shop ${shopIndex + 1}`,
        region,
        sellerType,
        cipher: `${sellerType === 'LOCAL' ? 'ROW' : 'GCP'}_${randomToken(rng, 32)}`,
        code: `${region}${randomToken(rng, 8, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}`,
        currency,
        sellerOpenId: openId,
        products,
      });
    }
    sellers.push({ openId, name: `Sandbox Seller ${s + 1}`, region: shops[0]?.region ?? 'US', shops });
  });
  return sellers;
}

export function makeOpenCollab(rng: Rng, shop: ShopModel, id: string, createdAtS: number): OpenCollabModel {
  const product = rng.pick(shop.products);
  return {
    id,
    createdAtS,
    product,
    productStatus: rng.pick(PRODUCT_STATUSES),
    inventory: rng.int(0, 5000),
    rate: rng.pick([500, 1000, 1500, 2000, 3000]),
    startS: createdAtS,
    endS: createdAtS + 365 * DAY,
    terminating: false,
    removed: false,
    showcaseCreators: rng.int(0, 40),
    contentCreators: rng.int(0, 20),
  };
}

export function buildOpenCollabs(
  seed: number,
  shop: ShopModel,
  count: number,
  startS: number,
): OpenCollabModel[] {
  const rng = new Rng(seed ^ hashString(`open:${shop.id}`));
  const out: OpenCollabModel[] = [];
  for (let i = 0; i < count; i++) {
    const collab = makeOpenCollab(
      rng,
      shop,
      numericId('94', i, seed ^ shop.index, 11),
      startS - rng.int(DAY, 180 * DAY),
    );
    if (i % 10 === 3) {
      // Removed by the seller: TERMINATING until its commission ends, then gone (docs/tiktok-api.md#open-collaborations).
      collab.terminating = true;
      collab.endS = startS + rng.int(1, 20) * DAY;
    }
    out.push(collab);
  }
  return out;
}

/**
 * The first entry of `items` at or after `start` (cyclically) that `taken` does not hold, or
 * undefined when every entry is taken. Used to keep products and creators unique within one
 * target collaboration without extra PRNG draws, so collaborations without a clash keep exactly
 * the data they had before (ground truth and recorded e2e figures stay put).
 */
export function firstFree<T>(items: readonly T[], start: number, taken: ReadonlySet<T>): T | undefined {
  for (let k = 0; k < items.length; k++) {
    const item = items[(start + k) % items.length];
    if (item !== undefined && !taken.has(item)) return item;
  }
  return undefined;
}

function targetProduct(
  rng: Rng,
  shop: ShopModel,
  effectiveS: number,
  taken: ReadonlySet<ShopModel['products'][number]>,
): TargetProductModel {
  // A product appears at most once per target collaboration (one commission per product):
  // on a clash, take the next free product of the catalog, deterministically.
  const index = rng.int(0, shop.products.length - 1);
  const product = firstFree(shop.products, index, taken);
  if (product === undefined) throw new Error(`targetProduct: shop ${shop.id} has no free product left`);
  return {
    product,
    rate: rng.pick([1000, 1500, 2000, 3000]),
    shopAdsRate: rng.pick([100, 500, 1000]),
    effectiveS,
    status: rng.pick(PRODUCT_STATUSES),
    effectiveStatus: rng.pick(['EFFECTIVE_ALL', 'EFFECTIVE_ALL', 'EFFECTIVE_PARTIALLY', 'EFFECTIVE_NONE']),
    collaborationStatus: rng.chance(0.9) ? 'NORMAL' : 'DELETING',
  };
}

export function targetCreator(rng: Rng, profile: CreatorProfile): TargetCreatorModel {
  return {
    profile,
    showcaseProducts: rng.int(0, 3),
    contentProducts: rng.int(0, 2),
    collaborationStatus: rng.chance(0.9) ? 'NORMAL' : 'DELETING',
    effectiveStatus: rng.pick(['EFFECTIVE_ALL', 'EFFECTIVE_PARTIALLY', 'EFFECTIVE_NONE']),
  };
}

export function makeTargetCollab(
  rng: Rng,
  shop: ShopModel,
  creators: CreatorProfile[],
  id: string,
  startS: number,
  endS: number,
): TargetCollabModel {
  const products: TargetProductModel[] = [];
  const productCount = Math.min(rng.int(1, 4), shop.products.length);
  const taken = new Set<ShopModel['products'][number]>();
  for (let p = 0; p < productCount; p++) {
    const tp = targetProduct(rng, shop, startS, taken);
    taken.add(tp.product);
    products.push(tp);
  }
  const chosen = new Set<CreatorProfile>();
  const creatorCount = rng.int(1, Math.min(6, creators.length));
  while (chosen.size < creatorCount) chosen.add(rng.pick(creators));
  return {
    id,
    name: `Target collaboration ${id.slice(-4)}`,
    message: rng.pick(['Welcome to our program', 'Free samples for top creators', 'Holiday push']),
    email: `affiliate+${shop.index}@sandbox.example`,
    createdAtS: startS,
    startS,
    endS,
    updateS: startS,
    cancelAtS: null,
    type: rng.chance(0.8) ? 'STANDARD' : 'TOP_CREATOR_PROGRAM',
    hasFreeSample: rng.chance(0.5),
    sampleApprovalExempt: rng.chance(0.3),
    products,
    creators: [...chosen].map((profile) => targetCreator(rng, profile)),
    deleted: false,
  };
}

/** Cycles through the status classes so that every search status has records at the start. */
export function buildTargetCollabs(
  seed: number,
  shop: ShopModel,
  creators: CreatorProfile[],
  count: number,
  nowS: number,
): TargetCollabModel[] {
  const rng = new Rng(seed ^ hashString(`target:${shop.id}`));
  const out: TargetCollabModel[] = [];
  for (let i = 0; i < count; i++) {
    const id = numericId('78907', i, seed ^ shop.index ^ 0x77);
    const startS = nowS - rng.int(10, 120) * DAY;
    const kind = i % 6;
    const endS =
      kind === 3
        ? nowS + rng.int(1 * 3600, 6 * DAY) // EXPIRING: < 7 days left
        : kind === 5
          ? nowS - rng.int(1, 30) * DAY // COMPLETED: expired
          : nowS + rng.int(10, 90) * DAY; // ONGOING (and CANCELING below)
    const collab = makeTargetCollab(rng, shop, creators, id, startS, endS);
    collab.updateS = startS + rng.int(0, 5) * DAY;
    if (kind === 4) collab.cancelAtS = nowS - rng.int(3600, 2 * DAY);
    out.push(collab);
  }
  return out;
}
