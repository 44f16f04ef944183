/**
 * In-memory model of the simulated world (accounts, shops, collaborations, campaigns). Orders are
 * not stored: they are generated lazily by the order streams from (seed, owner, index).
 */
import type { CreatorProfile, ProductModel } from './catalog.ts';

export interface ShopModel {
  index: number;
  id: string;
  name: string;
  region: string;
  sellerType: 'LOCAL' | 'CROSS_BORDER';
  cipher: string;
  code: string;
  currency: string;
  sellerOpenId: string;
  products: ProductModel[];
}

export interface SellerModel {
  openId: string;
  name: string;
  region: string;
  shops: ShopModel[];
}

export interface CreatorAccountModel {
  index: number;
  openId: string;
  profile: CreatorProfile;
}

export interface OpenCollabModel {
  id: string;
  createdAtS: number;
  product: ProductModel;
  productStatus: string;
  inventory: number;
  rate: number;
  startS: number;
  endS: number;
  /** Set when the seller removed it: TERMINATING until endS, then gone (docs/tiktok-api.md#open-collaborations). */
  terminating: boolean;
  /** Hard-deleted by a mutation: gone from search at once. */
  removed: boolean;
  showcaseCreators: number;
  contentCreators: number;
}

export interface TargetProductModel {
  product: ProductModel;
  rate: number;
  shopAdsRate: number;
  effectiveS: number;
  status: string;
  effectiveStatus: string;
  collaborationStatus: 'NORMAL' | 'DELETING' | 'DELETED';
}

export interface TargetCreatorModel {
  profile: CreatorProfile;
  showcaseProducts: number;
  contentProducts: number;
  collaborationStatus: 'NORMAL' | 'DELETING' | 'DELETED';
  effectiveStatus: string;
}

export interface TargetCollabModel {
  id: string;
  name: string;
  message: string;
  email: string;
  createdAtS: number;
  startS: number;
  endS: number;
  updateS: number;
  /** Cancellation request time: CANCELING for 3 days (or until end), then COMPLETED. */
  cancelAtS: number | null;
  type: 'STANDARD' | 'TOP_CREATOR_PROGRAM';
  hasFreeSample: boolean;
  sampleApprovalExempt: boolean;
  products: TargetProductModel[];
  creators: TargetCreatorModel[];
  /** Deleted by a mutation: gone from search and detail (50001700). */
  deleted: boolean;
}

export interface MarketplaceProductModel {
  product: ProductModel;
  shopName: string;
  saleRegion: string;
  hasInventory: boolean;
  /** null = hidden (no data-sharing consent, docs/tiktok-api.md#endpoints-not-synced / docs/tiktok-api.md#field-conventions "Optionality"). */
  unitsSold: number | null;
  rate: number;
  originalMaxMinor: number;
  removed: boolean;
}

export interface FulfillmentModel {
  profile: CreatorProfile;
  joinedAtMs: number;
  paidMinor: number;
  rooms: number;
  videos: number;
  freeSampleStatus: string;
  commissionBps: number;
  effectiveStartMs: number;
  effectiveEndMs: number;
  affiliateProductId: string;
}

export interface CampaignProductModel {
  product: ProductModel;
  shopName: string;
  reviewStatus: string;
  inventory: number;
  totalRate: number;
  creatorRate: number;
  partnerRate: number;
  openRate: number;
  isAvailable: boolean;
  productSales: number;
  sampleQuota: number;
  skuCount: number;
  creators: FulfillmentModel[];
}

export interface CampaignModel {
  id: string;
  name: string;
  description: string;
  region: string;
  registrationStartS: number;
  registrationEndS: number;
  campaignStartS: number;
  campaignEndS: number;
  commissionRate: number;
  contact: Record<string, string>;
  targetShops: { code: string; name: string }[];
  targetSellerTypes: string[];
  products: CampaignProductModel[];
}

export interface AssetModel {
  cipher: string;
  targetMarket: string;
  categoryId: number;
  categoryName: string;
  currency: string;
  campaigns: CampaignModel[];
}

export interface PartnerModel {
  openId: string;
  name: string;
  region: string;
  assets: AssetModel[];
}
