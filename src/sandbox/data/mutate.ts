/**
 * Discrete changes of a period, applied by `mutate(days)` after the clock has advanced. Seeded by
 * (seed, generation), so the same sequence of mutate() calls always yields the same world:
 * open and target collaborations are added and removed (removed ones disappear from search),
 * fulfillment counters grow, and some product and campaign fields change.
 */
import { Rng, hash4, numericId } from '../prng.ts';
import { makeFulfillment, makeMarketplaceProduct } from './build-partner.ts';
import { firstFree, makeOpenCollab, makeTargetCollab, targetCreator } from './build-sellers.ts';
import { openCollabVisible, targetStatus } from './collab-records.ts';
import type { World } from './world.ts';

const DAY = 86_400;

export interface MutationSummary {
  openAdded: number;
  openRemoved: number;
  openTerminating: number;
  targetAdded: number;
  targetDeleted: number;
  targetCanceled: number;
  fulfillmentChanged: number;
  productsChanged: number;
  campaignsChanged: number;
}

function mutateSellers(world: World, rng: Rng, nowS: number, days: number, s: MutationSummary): void {
  const gen = world.generation;
  for (const shop of world.shopsById.values()) {
    const open = world.openCollabs.get(shop.id) ?? [];
    const added = rng.int(1, 3);
    for (let k = 0; k < added; k++) {
      const id = numericId('95', gen * 16 + k, world.seed ^ shop.index, 11);
      open.push(makeOpenCollab(rng, shop, id, nowS - rng.int(0, Math.max(0, Math.floor(days * DAY) - 1))));
      s.openAdded++;
    }
    const live = open.filter((m) => openCollabVisible(m, nowS) && !m.terminating);
    const removed = live[rng.int(0, Math.max(0, live.length - 1))];
    if (removed && live.length > 2) {
      removed.removed = true;
      s.openRemoved++;
    }
    const ending = live.find((m) => !m.removed && rng.chance(0.3));
    if (ending) {
      ending.terminating = true;
      ending.endS = nowS + rng.int(1, 5) * DAY;
      s.openTerminating++;
    }
    for (const m of live) {
      if (rng.chance(0.3)) m.showcaseCreators += rng.int(1, 3);
      if (rng.chance(0.2)) m.inventory = Math.max(0, m.inventory - rng.int(1, 50));
    }
    const targets = world.targetCollabs.get(shop.id) ?? [];
    const tAdded = rng.int(1, 2);
    for (let k = 0; k < tAdded; k++) {
      const id = numericId('78908', gen * 16 + k, world.seed ^ shop.index);
      const t = makeTargetCollab(rng, shop, world.creatorPool, id, nowS, nowS + rng.int(3, 60) * DAY);
      t.createdAtS = nowS;
      targets.push(t);
      s.targetAdded++;
    }
    const visible = targets.filter((t) => targetStatus(t, nowS) !== null);
    const del = visible[rng.int(0, Math.max(0, visible.length - 1))];
    if (del && visible.length > 3) {
      del.deleted = true;
      s.targetDeleted++;
    }
    const cancel = visible.find(
      (t) => !t.deleted && t.cancelAtS === null && targetStatus(t, nowS) === 'ONGOING',
    );
    if (cancel) {
      cancel.cancelAtS = nowS;
      cancel.updateS = nowS;
      s.targetCanceled++;
    }
    for (const t of visible) {
      if (!t.deleted && rng.chance(0.3)) {
        // A creator is invited at most once per target collaboration: on a clash take the next
        // free creator of the pool; when all are in, nothing is added (the draws still happen so
        // the rest of the mutation sequence does not shift).
        const index = rng.int(0, world.creatorPool.length - 1);
        const taken = new Set(t.creators.map((c) => c.profile));
        const profile = firstFree(world.creatorPool, index, taken);
        const creator = targetCreator(rng, profile ?? world.creatorPool[index] ?? t.creators[0]!.profile);
        if (profile !== undefined) {
          t.creators.push(creator);
          t.updateS = nowS;
        }
      }
    }
  }
}

function mutatePartner(world: World, rng: Rng, nowS: number, s: MutationSummary): void {
  for (const asset of world.partner.assets) {
    for (const campaign of asset.campaigns) {
      if (rng.chance(0.25)) {
        campaign.description = `${campaign.description.replace(/ \(rev \d+\)$/, '')} (rev ${world.generation})`;
        s.campaignsChanged++;
      }
      for (const product of campaign.products) {
        for (const f of product.creators) {
          if (rng.chance(0.4)) {
            f.videos += rng.int(0, 3);
            f.rooms += rng.int(0, 1);
            f.paidMinor += rng.int(0, 5000);
            s.fulfillmentChanged++;
          }
        }
        if (rng.chance(0.3)) {
          const used = new Set(product.creators.map((f) => f.profile.openId));
          const profile = world.creatorPool.find((p) => !used.has(p.openId) && rng.chance(0.2));
          if (profile) {
            product.creators.push(makeFulfillment(rng, profile, nowS * 1000 - rng.int(0, 3_600_000)));
            s.fulfillmentChanged++;
          }
        }
        if (rng.chance(0.3)) {
          product.inventory = Math.max(0, product.inventory - rng.int(1, 100));
          product.productSales += rng.int(1, 20);
          if (product.reviewStatus === 'PENDING') product.reviewStatus = 'APPROVED';
          s.productsChanged++;
        }
      }
    }
  }
  for (const m of world.marketplace) {
    if (m.unitsSold !== null && rng.chance(0.3)) m.unitsSold += rng.int(1, 200);
  }
  const live = world.marketplace.filter((m) => !m.removed);
  const gone = live[rng.int(0, Math.max(0, live.length - 1))];
  if (gone && live.length > 5) gone.removed = true;
  world.marketplace.push(makeMarketplaceProduct(rng, 100_000 + world.generation, world.seed));
}

/** Applies generation `world.generation + 1` of changes at virtual time nowS. */
export function applyMutation(world: World, nowS: number, days: number): MutationSummary {
  world.generation++;
  const rng = new Rng(hash4(world.seed, 0x3a7e, world.generation));
  const summary: MutationSummary = {
    openAdded: 0,
    openRemoved: 0,
    openTerminating: 0,
    targetAdded: 0,
    targetDeleted: 0,
    targetCanceled: 0,
    fulfillmentChanged: 0,
    productsChanged: 0,
    campaignsChanged: 0,
  };
  mutateSellers(world, rng, nowS, days, summary);
  mutatePartner(world, rng, nowS, summary);
  return summary;
}
