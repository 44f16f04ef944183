/**
 * tiktok_affiliate.creator_invitations: per creator, the invitations (target collaborations) it
 * received and their state, with the creator's names from the creators dimension and the commission
 * range offered over the invitation's products. Tombstoned invitations stay listed (state
 * 'REMOVED' with removed_at): an invitation that vanished is an answer too.
 */
import type { RelationDoc } from './docs.ts';

export const creatorInvitationsSql = `
select
  t.creator_id,
  cr.username as creator_username,
  cr.display_name as creator_display_name,
  t.shop_id,
  t.target_collaboration_id,
  t.name,
  case when t.is_active then t.status else 'REMOVED' end as state,
  t.status as last_status,
  t.is_active,
  t.product_count,
  min(p.commission_rate_bps) as min_commission_rate_bps,
  max(p.commission_rate_bps) as max_commission_rate_bps,
  t.first_seen_at,
  t.removed_at,
  t.synced_at
from tiktok_affiliate.creator_target_collaborations t
left join tiktok_affiliate.creators cr on cr.open_id = t.creator_id
left join tiktok_affiliate.creator_target_collaboration_products p
  on p.creator_id = t.creator_id and p.shop_id = t.shop_id
  and p.target_collaboration_id = t.target_collaboration_id and p.is_active
group by t.creator_id, cr.username, cr.display_name, t.shop_id, t.target_collaboration_id, t.name, t.status,
  t.is_active, t.product_count, t.first_seen_at, t.removed_at, t.synced_at`;

export const creatorInvitationsDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'creator_invitations',
  kind: 'view',
  description:
    "A creator's invitations (target collaborations) per shop and their state, joined to the creators " +
    'dimension. One row per (creator_id, shop_id, target_collaboration_id), removed ones included.',
  columns: {
    creator_id: "The creator's open_id (creator_target_collaborations.creator_id).",
    creator_username: 'creators.username (null while no stream gave it).',
    creator_display_name: 'creators.display_name: the name the API or the creator connection gives.',
    shop_id: 'The shop that invited the creator.',
    target_collaboration_id: 'Target collaboration id.',
    name: 'Collaboration name.',
    state:
      'LIVE, EXPIRED, DELETED or ENDED as the API last sent it; REMOVED once the search stopped listing it ' +
      '(a deleted invitation is found by its id only).',
    last_status: 'The status the API last sent, also for a removed invitation.',
    is_active: 'False once tombstoned.',
    product_count: 'Products listed in the invitation.',
    min_commission_rate_bps: 'Lowest commission rate offered over its current products (bps).',
    max_commission_rate_bps: 'Highest commission rate offered over its current products (bps).',
    first_seen_at: 'When a sync first saw the invitation (UTC): the creator had it by then.',
    removed_at: 'When it was tombstoned (UTC); null while listed.',
    synced_at: 'Last change loaded (UTC).',
  },
};
