/**
 * Builds the affiliate partner (TAP) side: category assets -> campaigns -> products -> fulfillment
 * creators (docs/tiktok-api.md#partner-campaigns), and the open-collaboration product marketplace (docs/tiktok-api.md#open-collaboration-product-search).
 */
import { Rng, hashString, numericId } from '../prng.ts';
import { randomToken } from './build-sellers.ts';
import { CURRENCY_BY_REGION, type CreatorProfile, makeProduct } from './catalog.ts';
import type {
  AssetModel,
  CampaignModel,
  CampaignProductModel,
  FulfillmentModel,
  MarketplaceProductModel,
  PartnerModel,
} from './model.ts';

const DAY = 86_400;
const ASSET_CATEGORIES: { id: number; name: string; market: string }[] = [
  { id: 3, name: 'Beauty & Personal Care', market: 'US' },
  { id: 7, name: 'Phones & Electronics', market: 'GB' },
  { id: 12, name: 'Home Supplies', market: 'US' },
];
export const FREE_SAMPLE_STATUSES = [
  'NOT_REQUESTED',
  'PENDING',
  'AWAITING_SHIPMENT',
  'AWAITING_COLLECTION',
  'SHIPPED',
  'CONTENT_PENDING',
  'REJECT_CANCELLED',
  'COMPLETED',
];
const REVIEW_STATUSES = [
  'PENDING',
  'APPROVED',
  'APPROVED',
  'APPROVED',
  'REJECTED',
  'PENDING_CLOSED',
  'CLOSED',
];
const SHOP_NAMES = ['Glow Beauty Official', 'TechNest Store', 'Casa Living', 'FitFlow', 'TestCase idl2l'];

export interface PartnerSizes {
  assets: number;
  campaignsPerAsset: number;
  productsPerCampaign: number;
  maxCreators: number;
}

export function makeFulfillment(rng: Rng, profile: CreatorProfile, joinedAtMs: number): FulfillmentModel {
  const effectiveStartMs = joinedAtMs + rng.int(0, 86_400_000);
  return {
    profile,
    joinedAtMs,
    paidMinor: rng.int(0, 50_000),
    rooms: rng.int(0, 5),
    videos: rng.int(0, 12),
    freeSampleStatus: rng.pick(FREE_SAMPLE_STATUSES),
    commissionBps: rng.pick([100, 500, 1000, 1500]),
    effectiveStartMs,
    effectiveEndMs: effectiveStartMs + rng.int(7, 60) * 86_400_000,
    affiliateProductId: numericId('12345', rng.int(0, 1_000_000), 0x1f2e3d, 12),
  };
}

function makeCampaignProduct(
  rng: Rng,
  index: number,
  seed: number,
  currency: string,
  creators: CreatorProfile[],
  creatorCount: number,
  startMs: number,
): CampaignProductModel {
  const product = makeProduct(rng, '17294', index, seed ^ 0x3c6ef372, currency);
  const creatorRate = rng.pick([500, 1000, 1500]);
  const partnerRate = rng.pick([500, 1000, 2000]);
  const chosen: FulfillmentModel[] = [];
  for (let c = 0; c < creatorCount && c < creators.length; c++) {
    const profile = creators[(index * 7 + c) % creators.length];
    if (profile) chosen.push(makeFulfillment(rng, profile, startMs - rng.int(1, 60) * 86_400_000));
  }
  return {
    product,
    shopName: rng.pick(SHOP_NAMES),
    reviewStatus: rng.pick(REVIEW_STATUSES),
    inventory: rng.int(0, 2000),
    totalRate: creatorRate + partnerRate,
    creatorRate,
    partnerRate,
    openRate: rng.pick([500, 1000]),
    isAvailable: rng.chance(0.9),
    productSales: rng.int(0, 500),
    sampleQuota: rng.int(0, 50),
    skuCount: rng.int(1, 3),
    creators: chosen,
  };
}

function makeCampaign(rng: Rng, seed: number, index: number, asset: AssetModel, nowS: number): CampaignModel {
  // Status follows the times (READY, UPCOMING, ONGOING, CLOSED); cycle so each is represented.
  const kind = index % 4;
  const regEnd =
    kind === 0
      ? nowS + rng.int(2, 20) * DAY
      : kind === 3
        ? nowS - rng.int(30, 40) * DAY
        : nowS - rng.int(1, 10) * DAY;
  const regStart = regEnd - rng.int(20, 60) * DAY;
  const campStart = kind === 1 ? nowS + rng.int(2, 20) * DAY : kind === 0 ? regEnd + DAY : regEnd + 3600;
  const campEnd = kind === 3 ? nowS - rng.int(1, 5) * DAY : campStart + rng.int(30, 120) * DAY;
  const id = numericId('7360', index, seed ^ hashString(asset.cipher));
  return {
    id,
    name: `TAP campaign ${index + 1} (${asset.targetMarket})`,
    description: `Sandbox campaign ${index + 1} for ${asset.categoryName}.`,
    region: asset.targetMarket,
    registrationStartS: regStart,
    registrationEndS: regEnd,
    campaignStartS: campStart,
    campaignEndS: campEnd,
    commissionRate: rng.pick([1000, 1500, 2000, 3000]),
    contact: {
      whatsapp: '+14255550100',
      email: `partner+${index}@sandbox.example`,
      phone: '+14255550100',
      zalo: '+14255550100',
      viber: '+14255550100',
      line: '+14255550100',
    },
    targetShops: [
      { code: `THCB${randomToken(rng, 6, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}`, name: rng.pick(SHOP_NAMES) },
    ],
    targetSellerTypes: rng.chance(0.5) ? ['LOCAL'] : ['LOCAL', 'CROSS_BORDER'],
    products: [],
  };
}

export function buildPartner(
  seed: number,
  sizes: PartnerSizes,
  creators: CreatorProfile[],
  nowS: number,
): PartnerModel {
  const rng = new Rng(seed ^ hashString('partner'));
  const assets: AssetModel[] = [];
  let productIndex = 0;
  for (let a = 0; a < sizes.assets; a++) {
    const cat = ASSET_CATEGORIES[a % ASSET_CATEGORIES.length] ?? { id: 3, name: 'General', market: 'US' };
    const asset: AssetModel = {
      cipher: `TTP_${randomToken(rng, 32)}`,
      targetMarket: cat.market,
      categoryId: cat.id,
      categoryName: cat.name,
      currency: CURRENCY_BY_REGION[cat.market] ?? 'USD',
      campaigns: [],
    };
    for (let c = 0; c < sizes.campaignsPerAsset; c++) {
      const campaign = makeCampaign(rng, seed, a * 100 + c, asset, nowS);
      for (let p = 0; p < sizes.productsPerCampaign; p++) {
        // The first product of each campaign gets the most creators, so fulfillment spans pages.
        const count = p === 0 ? sizes.maxCreators : rng.int(0, Math.floor(sizes.maxCreators / 2));
        campaign.products.push(
          makeCampaignProduct(rng, productIndex++, seed, asset.currency, creators, count, nowS * 1000),
        );
      }
      asset.campaigns.push(campaign);
    }
    assets.push(asset);
  }
  return {
    openId: numericId('70108', 0, seed ^ 0x2468ace),
    name: 'Sandbox TAP Partner',
    region: 'US',
    assets,
  };
}

export function makeMarketplaceProduct(rng: Rng, index: number, seed: number): MarketplaceProductModel {
  const region = rng.pick(['US', 'GB', 'ID']);
  const currency = CURRENCY_BY_REGION[region] ?? 'USD';
  const product = makeProduct(rng, '17298', index, seed ^ 0x6a09e667, currency);
  return {
    product,
    shopName: rng.pick(SHOP_NAMES),
    saleRegion: region,
    hasInventory: rng.chance(0.85),
    // units_sold is hidden for some records (no data-sharing consent, docs/tiktok-api.md#endpoints-not-synced / docs/tiktok-api.md#field-conventions).
    unitsSold: rng.chance(0.1) ? null : rng.int(0, 20_000),
    rate: rng.int(1, 80) * 100,
    originalMaxMinor: product.maxPriceMinor + rng.int(0, product.priceMinor),
    removed: false,
  };
}

export function buildMarketplace(seed: number, count: number): MarketplaceProductModel[] {
  const rng = new Rng(seed ^ hashString('marketplace'));
  const out: MarketplaceProductModel[] = [];
  for (let i = 0; i < count; i++) out.push(makeMarketplaceProduct(rng, i, seed));
  return out;
}
