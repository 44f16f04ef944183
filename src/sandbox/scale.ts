/**
 * Dataset sizes per scale. Order lines are spread over the ~180 days of history before the start
 * time and keep arriving at the same rate afterwards; everything else is small and held in memory.
 */
import type { SandboxScale } from './types.ts';

export interface ScaleConfig {
  /** Shops per seller account (one entry per seller). */
  sellers: number[];
  sellerLinesPerShop: number;
  creators: number;
  creatorLinesPerCreator: number;
  categoryAssets: number;
  campaignsPerAsset: number;
  productsPerCampaign: number;
  maxFulfillmentCreators: number;
  openCollabsPerShop: number;
  targetCollabsPerShop: number;
  marketplaceProducts: number;
  productsPerShop: number;
}

export const HISTORY_DAYS = 180;

export const SCALES: Record<SandboxScale, ScaleConfig> = {
  tiny: {
    sellers: [1],
    sellerLinesPerShop: 300,
    creators: 1,
    creatorLinesPerCreator: 200,
    categoryAssets: 1,
    campaignsPerAsset: 3,
    productsPerCampaign: 4,
    maxFulfillmentCreators: 12,
    openCollabsPerShop: 25,
    targetCollabsPerShop: 14,
    marketplaceProducts: 60,
    productsPerShop: 20,
  },
  small: {
    sellers: [2, 1],
    sellerLinesPerShop: 1000,
    creators: 2,
    creatorLinesPerCreator: 500,
    categoryAssets: 2,
    campaignsPerAsset: 4,
    productsPerCampaign: 6,
    maxFulfillmentCreators: 30,
    openCollabsPerShop: 40,
    targetCollabsPerShop: 24,
    marketplaceProducts: 150,
    productsPerShop: 30,
  },
  medium: {
    sellers: [2, 1],
    sellerLinesPerShop: 6700,
    creators: 2,
    creatorLinesPerCreator: 3000,
    categoryAssets: 2,
    campaignsPerAsset: 6,
    productsPerCampaign: 10,
    maxFulfillmentCreators: 60,
    openCollabsPerShop: 80,
    targetCollabsPerShop: 40,
    marketplaceProducts: 400,
    productsPerShop: 40,
  },
  large: {
    sellers: [4],
    sellerLinesPerShop: 260_000,
    creators: 2,
    creatorLinesPerCreator: 20_000,
    categoryAssets: 2,
    campaignsPerAsset: 8,
    productsPerCampaign: 12,
    maxFulfillmentCreators: 80,
    openCollabsPerShop: 150,
    targetCollabsPerShop: 60,
    marketplaceProducts: 1000,
    productsPerShop: 60,
  },
};

export function isSandboxScale(value: string): value is SandboxScale {
  return value in SCALES;
}
