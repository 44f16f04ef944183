/**
 * Affiliate partner campaigns (docs/tiktok-api.md#partner-campaigns list + docs/tiktok-api.md#campaign-detail detail) -> partnerCampaigns.
 * ctx.ownerId is the category asset cipher the sync used (partner_id).
 *
 * Each item is `{ summary, detail }`: the list record and the GET detail `data` (null when the GET
 * failed). Where both carry a field the detail wins; detail-only fields (region, commission_rate,
 * description, target_shops, target_seller_types, contact_info) are null without it, and
 * detail_fetched says so.
 */
import { CAMPAIGN_STATUS, SELLER_TYPE } from './enums.ts';
import type { RecordContract } from './contract.ts';
import { reject } from './errors.ts';
import { type EnumTally, Reader } from './reader.ts';
import { fieldOf, keyOfField } from './row-columns.ts';
import { type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'partnerCampaigns';

/** The list record carries the campaign's identity, status and period; the detail is optional. */
export const partnerCampaignContract: RecordContract = {
  record: '{ summary, detail }: one campaign of data.campaigns[] with its detail',
  fields: [
    {
      field: 'summary',
      kind: 'object',
      required: true,
      fields: [
        { field: 'id', kind: 'id', required: true, note: 'the campaign key' },
        { field: 'status', kind: 'enum', required: true },
        { field: 'campaign_start_time', kind: 'epoch', required: true },
        { field: 'campaign_end_time', kind: 'epoch', required: true },
      ],
    },
    {
      field: 'detail',
      kind: 'object',
      required: false,
      note: 'null when the detail GET failed',
      fields: [
        { field: 'contact_info', kind: 'object', required: false, note: 'stored as jsonb' },
        { field: 'target_shops', kind: 'list', required: false, fields: [], note: 'stored as jsonb' },
        { field: 'commission_rate', kind: 'bps', required: false },
      ],
    },
  ],
};

function mapItem(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const item = Reader.of(raw, '', tally);
  const summary = item.child('summary');
  if (summary === null) return reject('missing_field:summary', 'item has no campaign list record');
  const id = summary.requireId('id');
  const detail = item.child('detail');
  const detailId = detail?.id('id') ?? null;
  if (detailId !== null && detailId !== id) {
    reject('detail_mismatch', `detail of campaign ${detailId} was paired with list record ${id}`);
  }
  const pick = <T>(read: (r: Reader) => T | null): T | null =>
    (detail ? read(detail) : null) ?? read(summary);
  const row = {
    partner_id: ctx.ownerId,
    campaign_id: id,
    name: pick((r) => r.text('name')),
    status: pick((r) => r.enumOf('status', CAMPAIGN_STATUS)),
    registration_start_time: pick((r) => r.time('registration_start_time')),
    registration_end_time: pick((r) => r.time('registration_end_time')),
    campaign_start_time: pick((r) => r.time('campaign_start_time')),
    campaign_end_time: pick((r) => r.time('campaign_end_time')),
    region: detail?.text('region') ?? null,
    commission_rate_bps: detail?.bps('commission_rate') ?? null,
    description: detail?.text('description') ?? null,
    target_shops: detail?.json('target_shops', 'list') ?? null,
    target_seller_types: detail?.textArray('target_seller_types', SELLER_TYPE) ?? null,
    contact_info: detail?.json('contact_info', 'object') ?? null,
    detail_fetched: detail !== null,
    raw: summary.obj,
    raw_detail: detail?.obj ?? null,
  };
  return { partnerCampaigns: [row] };
}

const spec: StreamSpec<Tables> = {
  tables: ['partnerCampaigns'],
  contract: partnerCampaignContract,
  keyOf: (raw) => keyOfField(raw, 'summary', 'id'),
  stored: {
    tables: ['partnerCampaigns'],
    key: (raw, ctx) => ({ partner_id: ctx.ownerId, campaign_id: fieldOf(raw, 'summary', 'id') }),
  },
  map: mapItem,
};

export function normalizePartnerCampaigns(
  items: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, items, ctx);
}
