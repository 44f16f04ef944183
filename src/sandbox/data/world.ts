/**
 * The simulated world, deterministic from (seed, scale, start time): app credentials, accounts,
 * shops, collaborations, the marketplace, the partner's campaigns, and the lazy order streams.
 */
import { ByteWriter } from '../byte-writer.ts';
import { Rng, hash4, hashString } from '../prng.ts';
import { HISTORY_DAYS, SCALES } from '../scale.ts';
import type { SandboxScale } from '../types.ts';
import { buildMarketplace, buildPartner } from './build-partner.ts';
import { buildOpenCollabs, buildSellers, buildTargetCollabs, randomToken } from './build-sellers.ts';
import { type CreatorProfile, creatorProfiles, makeProduct } from './catalog.ts';
import { type CreatorShop, CreatorOrderSource } from './creator-orders.ts';
import { PartnerOrderSource } from './partner-orders.ts';
import type {
  AssetModel,
  CreatorAccountModel,
  MarketplaceProductModel,
  OpenCollabModel,
  PartnerModel,
  SellerModel,
  ShopModel,
  TargetCollabModel,
} from './model.ts';
import { SellerOrderSource } from './seller-orders.ts';
import { AVG_LINES_PER_ORDER } from './settlement.ts';
import { OrderTimeline } from './timeline.ts';

const DAY = 86_400;
const CREATOR_POOL_SIZE = 120;

export interface World {
  seed: number;
  scale: SandboxScale;
  startS: number;
  appKey: string;
  appSecret: string;
  creatorPool: CreatorProfile[];
  sellers: SellerModel[];
  shopsById: Map<string, ShopModel>;
  shopsByCipher: Map<string, ShopModel>;
  creators: CreatorAccountModel[];
  partner: PartnerModel;
  assetsByCipher: Map<string, AssetModel>;
  openCollabs: Map<string, OpenCollabModel[]>;
  targetCollabs: Map<string, TargetCollabModel[]>;
  marketplace: MarketplaceProductModel[];
  sellerOrders: Map<string, SellerOrderSource>;
  creatorOrders: Map<string, CreatorOrderSource>;
  /** TAP affiliate orders per category asset cipher. */
  partnerOrders: Map<string, PartnerOrderSource>;
  /**
   * The byte space that order pages are written into: the seller sources memoize their JSON
   * fragments in it, so every page of them must be written here (byte-writer.ts).
   */
  pageSpace: ByteWriter;
  /** Number of mutate() calls applied so far (seeds the next mutation). */
  generation: number;
}

function timelineFor(seed: number, tag: number, owner: number, lines: number, startS: number): OrderTimeline {
  const orders = Math.max(1, lines / AVG_LINES_PER_ORDER);
  const historyS = HISTORY_DAYS * DAY;
  return new OrderTimeline(startS - historyS, historyS / orders, hash4(seed, tag, owner));
}

export function buildWorld(seed: number, scale: SandboxScale, startMs: number): World {
  const cfg = SCALES[scale];
  const startS = Math.floor(startMs / 1000);
  const rng = new Rng(seed ^ hashString('app'));
  const appKey = randomToken(rng, 6, '0123456789abcdef');
  const appSecret = randomToken(rng, 40, '0123456789abcdef');
  const creatorPool = creatorProfiles(seed, CREATOR_POOL_SIZE);
  const sellers = buildSellers(seed, cfg.sellers, cfg.productsPerShop);
  const shops = sellers.flatMap((s) => s.shops);
  const openCollabs = new Map<string, OpenCollabModel[]>();
  const targetCollabs = new Map<string, TargetCollabModel[]>();
  for (const shop of shops) {
    openCollabs.set(shop.id, buildOpenCollabs(seed, shop, cfg.openCollabsPerShop, startS));
    targetCollabs.set(shop.id, buildTargetCollabs(seed, shop, creatorPool, cfg.targetCollabsPerShop, startS));
  }
  const partner = buildPartner(
    seed,
    {
      assets: cfg.categoryAssets,
      campaignsPerAsset: cfg.campaignsPerAsset,
      productsPerCampaign: cfg.productsPerCampaign,
      maxCreators: cfg.maxFulfillmentCreators,
    },
    creatorPool,
    startS,
  );
  const campaignIds = partner.assets.flatMap((a) => a.campaigns.map((c) => c.id));
  const pageSpace = new ByteWriter();
  const sellerOrders = new Map<string, SellerOrderSource>();
  for (const shop of shops) {
    const timeline = timelineFor(seed, 0x5e11, shop.index, cfg.sellerLinesPerShop, startS);
    const programs = {
      open: (openCollabs.get(shop.id) ?? []).map((c) => c.id),
      target: (targetCollabs.get(shop.id) ?? []).map((c) => c.id),
      campaign: campaignIds,
    };
    const key = hash4(seed, 0x5e12, shop.index);
    sellerOrders.set(
      shop.id,
      new SellerOrderSource(pageSpace, timeline, key, shop, programs, creatorPool.slice(0, 40)),
    );
  }
  // Creators buy through the world's shops and an Indonesian shop (localized "Rp" amounts, docs/tiktok-api.md#creator-orders).
  const idrRng = new Rng(seed ^ hashString('idr-shop'));
  const idrProducts = Array.from({ length: 8 }, (_, i) => makeProduct(idrRng, '17297', i, seed, 'IDR'));
  const creatorShops: CreatorShop[] = [
    ...shops.map((s) => ({ name: s.name, products: s.products })),
    { name: 'TestCase idl2l', products: idrProducts },
  ];
  const creators: CreatorAccountModel[] = [];
  const creatorOrders = new Map<string, CreatorOrderSource>();
  for (let c = 0; c < cfg.creators; c++) {
    const profile = creatorPool[c];
    if (!profile) throw new Error('creator pool too small');
    creators.push({ index: c, openId: profile.openId, profile });
    const timeline = timelineFor(seed, 0xc4ea, c, cfg.creatorLinesPerCreator, startS);
    creatorOrders.set(
      profile.openId,
      new CreatorOrderSource(profile.openId, timeline, hash4(seed, 0xc4eb, c), creatorShops),
    );
  }
  // TAP orders: as many lines per category asset as a creator has, credited to its campaigns.
  const partnerOrders = new Map<string, PartnerOrderSource>();
  partner.assets.forEach((asset, a) => {
    const timeline = timelineFor(seed, 0x7a90, a, cfg.creatorLinesPerCreator, startS);
    const key = hash4(seed, 0x7a91, a);
    partnerOrders.set(asset.cipher, new PartnerOrderSource(asset.cipher, timeline, key, asset, creatorPool));
  });
  return {
    seed,
    scale,
    startS,
    appKey,
    appSecret,
    creatorPool,
    sellers,
    shopsById: new Map(shops.map((s) => [s.id, s])),
    shopsByCipher: new Map(shops.map((s) => [s.cipher, s])),
    creators,
    partner,
    assetsByCipher: new Map(partner.assets.map((a) => [a.cipher, a])),
    openCollabs,
    targetCollabs,
    marketplace: buildMarketplace(seed, cfg.marketplaceProducts),
    sellerOrders,
    creatorOrders,
    partnerOrders,
    pageSpace,
    generation: 0,
  };
}
