/**
 * Order life cycle as a pure function of (order, virtual now). Seller enum (docs/tiktok-api.md#seller-orders):
 * PROCESSING -> COMPLETED | CANCELLED, or FROZEN -> DEDUCTED | COMPLETED. Creator enum (docs/tiktok-api.md#creator-orders):
 * ORDERED -> SETTLED | REFUNDED, or FROZEN -> DEDUCTED | SETTLED. Settlement happens 3-60 days
 * after creation; every order is final within 80 days.
 */
import { hash4, unit } from '../prng.ts';

const DAY = 86_400;

export type Phase = 'open' | 'completed' | 'cancelled' | 'frozen' | 'deducted';

export interface Fate {
  settleAtS: number;
  /** When a frozen order is resolved; equals settleAtS otherwise. */
  finalAtS: number;
  outcome: 'completed' | 'cancelled' | 'frozen_deducted' | 'frozen_completed';
  /** Delivery time (s) or null when the order is cancelled before delivery. */
  deliveryAtS: number | null;
}

export function fateOf(key: number, index: number, createS: number): Fate {
  const h = hash4(key, index, 4);
  const settleAtS = createS + (3 + (h % 58)) * DAY + (hash4(key, index, 5) % DAY);
  const u = unit(hash4(key, index, 6));
  const outcome =
    u < 0.78 ? 'completed' : u < 0.9 ? 'cancelled' : u < 0.95 ? 'frozen_deducted' : 'frozen_completed';
  const frozen = outcome === 'frozen_deducted' || outcome === 'frozen_completed';
  const finalAtS = frozen ? Math.min(settleAtS + (5 + (h % 15)) * DAY, createS + 80 * DAY - 1) : settleAtS;
  const deliveryAtS = outcome === 'cancelled' && h % 2 === 0 ? null : createS + (1 + (h % 6)) * DAY;
  return { settleAtS, finalAtS, outcome, deliveryAtS };
}

export function phaseAt(fate: Fate, nowS: number): Phase {
  if (nowS < fate.settleAtS) return 'open';
  switch (fate.outcome) {
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    case 'frozen_deducted':
      return nowS < fate.finalAtS ? 'frozen' : 'deducted';
    case 'frozen_completed':
      return nowS < fate.finalAtS ? 'frozen' : 'completed';
  }
}

export const SELLER_STATUS: Record<Phase, string> = {
  open: 'PROCESSING',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
  frozen: 'FROZEN',
  deducted: 'DEDUCTED',
};

export const CREATOR_STATUS: Record<Phase, string> = {
  open: 'ORDERED',
  completed: 'SETTLED',
  cancelled: 'REFUNDED',
  frozen: 'FROZEN',
  deducted: 'DEDUCTED',
};

/** Line count per order: 1 (65%), 2 (20%), 3 (10%), 4 (5%). */
export function lineCountOf(key: number, index: number): number {
  const u = unit(hash4(key, index, 2));
  return u < 0.65 ? 1 : u < 0.85 ? 2 : u < 0.95 ? 3 : 4;
}
export const AVG_LINES_PER_ORDER = 0.65 + 0.2 * 2 + 0.1 * 3 + 0.05 * 4;
