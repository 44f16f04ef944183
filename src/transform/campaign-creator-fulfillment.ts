/**
 * Creator fulfillment of one campaign product (docs/tiktok-api.md#creator-fulfillment, GET
 * /affiliate_partner/202508/campaigns/{c}/products/{p}/performance, data.promotion_creators[]) ->
 * campaignCreatorFulfillment (current state) + campaignCreatorFulfillmentDaily (one row per UTC day of
 * ctx.now). ctx.ownerId is the category asset cipher; ctx.scope has campaign_id and product_id.
 *
 * Quirks (docs/tiktok-api.md#creator-fulfillment, docs/tiktok-api.md#field-conventions): `commission` is a STRING rate in bps, not money; effective_*_time are
 * STRING milliseconds although documented as epoch (both s and ms accepted: > 1e12 means ms);
 * paid_amount/room_count/... exist only per creator, never at the top level of data.
 * creator_open_id keys the grain; a record with only the 202501 `creator_temp_id` (valid one hour,
 * docs/tiktok-api.md#creator-fulfillment) is rejected, since a temporary id would fork every creator's history hourly.
 */
import type { RecordContract } from './contract.ts';
import { FREE_SAMPLE_STATUS } from './enums.ts';
import { reject } from './errors.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField, moneyCols } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'campaignCreatorFulfillment' | 'campaignCreatorFulfillmentDaily';

/** UTC calendar date of the sync clock (never the wall clock: normalizers are pure). */
export function snapshotDateOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * A fulfillment row IS its counters: paid amount, live rooms, videos, sample status and rate. A NULL
 * in any of them would overwrite the current row and write a false day into the daily history.
 * creator_open_id keys the grain (a record with only the temporary 202501 id is refused by the mapping).
 */
export const campaignCreatorFulfillmentContract: RecordContract = {
  record: 'one creator of data.promotion_creators[] (campaign creator fulfillment status info 202508)',
  fields: [
    {
      field: 'creator',
      kind: 'object',
      required: true,
      fields: [{ field: 'follower_num', kind: 'count', required: false }],
    },
    { field: 'paid_amount', kind: 'money', required: true },
    { field: 'room_count', kind: 'count', required: true },
    { field: 'video_count', kind: 'count', required: true },
    { field: 'free_sample_status', kind: 'enum', required: true },
    { field: 'commission', kind: 'bps', required: true, note: 'a rate in bps sent as a string, not money' },
    { field: 'effective_start_time', kind: 'epoch', required: false, note: 'string milliseconds' },
    { field: 'effective_end_time', kind: 'epoch', required: false, note: 'string milliseconds' },
  ],
};

function mapCreator(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const r = Reader.of(raw, '', tally);
  const creator = r.child('creator');
  const openId = creator?.id('creator_open_id') ?? null;
  if (openId === null) {
    const hint = creator?.has('creator_temp_id')
      ? ' (only the temporary creator_temp_id of 202501 was sent)'
      : '';
    reject('missing_field:creator.creator_open_id', `record has no creator_open_id${hint}`);
  }
  const key = {
    partner_id: ctx.ownerId,
    campaign_id: ctx.scope?.['campaign_id'],
    product_id: ctx.scope?.['product_id'],
    creator_open_id: openId,
  };
  const metrics = {
    ...moneyCols('paid_amount', r.money('paid_amount')),
    room_count: r.count('room_count'),
    video_count: r.count('video_count'),
    free_sample_status: r.enumOf('free_sample_status', FREE_SAMPLE_STATUS),
    commission_bps: r.bps('commission'),
    creator_follower_num: creator?.count('follower_num') ?? null,
  };
  const current = {
    ...key,
    creator_user_name: creator?.text('user_name') ?? null,
    creator_nick_name: creator?.text('nick_name') ?? null,
    creator_avatar_url: creator?.text('avatar_url') ?? null,
    affiliate_product_id: r.id('affiliate_product_id'),
    ...metrics,
    effective_start_time: r.time('effective_start_time'),
    effective_end_time: r.time('effective_end_time'),
    raw: r.obj,
  };
  const daily = { ...key, snapshot_date: snapshotDateOf(ctx.now), ...metrics };
  return { campaignCreatorFulfillment: [current], campaignCreatorFulfillmentDaily: [daily] };
}

const spec: StreamSpec<Tables> = {
  tables: ['campaignCreatorFulfillment', 'campaignCreatorFulfillmentDaily'],
  scopeKeys: ['campaign_id', 'product_id'],
  contract: campaignCreatorFulfillmentContract,
  keyOf: (raw) => keyOfField(raw, 'creator', 'creator_open_id'),
  stored: {
    tables: ['campaignCreatorFulfillment'],
    key: (raw, ctx) => ({
      partner_id: ctx.ownerId,
      campaign_id: ctx.scope?.['campaign_id'],
      product_id: ctx.scope?.['product_id'],
      creator_open_id: fieldOf(raw, 'creator', 'creator_open_id'),
    }),
  },
  map: mapCreator,
};

export function normalizeCampaignCreatorFulfillment(
  records: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, records, ctx);
}
