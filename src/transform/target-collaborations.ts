/**
 * Target collaborations (docs/tiktok-api.md#target-collaborations search 202508 + docs/tiktok-api.md#target-collaboration-detail GET detail) -> targetCollaborations,
 * targetCollaborationProducts, targetCollaborationCreators. ctx.ownerId is the shop id.
 *
 * Each item is `{ search, detail, collaboration_status }`: the search record, the detail (the
 * `data.target_collaboration` object, or `data` itself; null when the GET failed) and the status
 * filter the search ran under. Where both carry a field the detail wins (it is the per-record read and
 * its counts are documented as "NORMAL only"). Without a detail only the header row is produced,
 * with detail_fetched = false. A bad product or creator (one without its id, say) rejects the whole
 * item, as for order lines: a partial member list would look complete. So does a detail without its
 * products or creators list. A product or creator listed twice in one detail is one
 * membership stated twice (unlike an order line, which is a sale): the LAST occurrence is kept, the
 * same rule the loader applies to duplicate keys within a page, so both layers agree on the winner.
 */
import {
  EFFECTIVE_STATUS,
  MEMBER_COLLABORATION_STATUS,
  PRODUCT_STATUS,
  TARGET_COLLABORATION_SEARCH_STATUS,
  TARGET_COLLABORATION_TYPE,
} from './enums.ts';
import type { RecordContract } from './contract.ts';
import { reject } from './errors.ts';
import { type EnumTally, isObject, Reader } from './reader.ts';
import { fieldOf, keyOfField, rangeCols, without } from './row-columns.ts';
import { type Row, type RowsOf, runStream, type StreamSpec } from './run.ts';
import type { NormalizeContext, NormalizeResult } from './types.ts';

type Tables = 'targetCollaborations' | 'targetCollaborationProducts' | 'targetCollaborationCreators';

/**
 * The search record is the collaboration; its id, period and the status filter it was found under
 * are its state. The detail is optional (null when its GET failed); its members are checked by the
 * mapping (a bad product or creator rejects the whole item).
 */
export const targetCollaborationContract: RecordContract = {
  record:
    '{ search, detail, collaboration_status }: one search record of data.target_collaborations[] with its detail',
  fields: [
    {
      field: 'search',
      kind: 'object',
      required: true,
      fields: [
        { field: 'id', kind: 'id', required: true, note: 'the collaboration key' },
        { field: 'start_time', kind: 'epoch', required: true },
        { field: 'end_time', kind: 'epoch', required: true },
      ],
    },
    {
      field: 'collaboration_status',
      kind: 'enum',
      required: false,
      note: 'set by the sync: the status filter of the search',
    },
    { field: 'detail', kind: 'object', required: false, note: 'null when the detail GET failed' },
  ],
};

function unwrapDetail(item: Reader): Reader | null {
  const d = item.child('detail');
  if (d === null) return null;
  const inner = d.obj['target_collaboration'];
  return isObject(inner) ? (d.child('target_collaboration') as Reader) : d;
}

function product(p: Reader, shopId: string, collaborationId: string): Row {
  const commission = p.child('commission');
  return {
    shop_id: shopId,
    target_collaboration_id: collaborationId,
    product_id: p.requireId('id'),
    title: p.text('title'),
    main_image_url: p.text('main_image_url'),
    status: p.enumOf('status', PRODUCT_STATUS),
    collaboration_status: p.enumOf('collaboration_status', MEMBER_COLLABORATION_STATUS),
    commission_effective_status: p.enumOf('commission_effective_status', EFFECTIVE_STATUS),
    ...rangeCols('original_price', p.priceRange('original_price')),
    commission_rate_bps: commission?.bps('rate') ?? null,
    // 202508 only (docs/tiktok-api.md#target-collaboration-detail).
    shop_ads_commission_rate_bps: commission?.bps('shop_ads_commission_rate') ?? null,
    // Unix seconds sent AS A STRING (docs/tiktok-api.md#target-collaboration-detail, docs/tiktok-api.md#field-conventions).
    commission_effective_time: commission?.time('effective_time') ?? null,
    ...rangeCols('commission', commission?.priceRangeHere() ?? { min: null, max: null, currency: null }),
    raw: p.obj,
  };
}

function creator(c: Reader, shopId: string, collaborationId: string): Row {
  // creator_open_id only from 202508, user_id only in 202409, neither in 202412 (docs/tiktok-api.md#target-collaboration-detail):
  // docs/warehouse.md#owners keys the creator by open id where given, else by username.
  const openId = c.id('creator_open_id');
  const username = c.text('username');
  const key = openId ?? (username === '' ? null : username);
  if (key === null)
    reject(`missing_field:${c.path}.creator_open_id`, 'creator has neither creator_open_id nor username');
  return {
    shop_id: shopId,
    target_collaboration_id: collaborationId,
    creator_key: key,
    creator_open_id: openId,
    user_id: c.id('user_id'),
    username,
    nickname: c.text('nickname'),
    avatar_url: c.child('avatar')?.text('url') ?? null,
    selection_region: c.text('selection_region'),
    showcase_product_count: c.count('showcase_product_count'),
    content_product_count: c.count('content_product_count'),
    collaboration_status: c.enumOf('collaboration_status', MEMBER_COLLABORATION_STATUS),
    product_effective_status: c.enumOf('product_effective_status', EFFECTIVE_STATUS),
    raw: c.obj,
  };
}

function mapItem(raw: unknown, ctx: NormalizeContext, tally: EnumTally): Partial<RowsOf<Tables>> {
  const item = Reader.of(raw, '', tally);
  const search = item.child('search');
  if (search === null) return reject('missing_field:search', 'item has no search record');
  const id = search.requireId('id');
  const detail = unwrapDetail(item);
  const detailId = detail?.id('id') ?? null;
  if (detailId !== null && detailId !== id) {
    reject('detail_mismatch', `detail of ${detailId} was paired with search record ${id}`);
  }
  const pick = <T>(read: (r: Reader) => T | null): T | null => (detail ? read(detail) : null) ?? read(search);
  const rule = (r: Reader) => r.child('free_sample_rule');
  const header: Row = {
    shop_id: ctx.ownerId,
    target_collaboration_id: id,
    collaboration_status: item.enumOf('collaboration_status', TARGET_COLLABORATION_SEARCH_STATUS),
    name: pick((r) => r.text('name')),
    message: pick((r) => r.text('message')),
    type: pick((r) => r.enumOf('type', TARGET_COLLABORATION_TYPE)),
    start_time: pick((r) => r.time('start_time')),
    end_time: pick((r) => r.time('end_time')),
    update_time: pick((r) => r.time('update_time')),
    // The search spells it "creator_inivited_count" (docs/tiktok-api.md#target-collaborations), the detail correctly; a fixed
    // search spelling is accepted too.
    creator_invited_count: pick((r) => r.count('creator_invited_count') ?? r.count('creator_inivited_count')),
    showcase_creator_count: pick((r) => r.count('showcase_creator_count')),
    content_creator_count: pick((r) => r.count('content_creator_count')),
    product_count: pick((r) => r.count('product_count')),
    has_free_sample: pick((r) => rule(r)?.bool('has_free_sample') ?? null),
    is_sample_approval_exempt: pick((r) => rule(r)?.bool('is_sample_approval_exempt') ?? null),
    seller_contact_email: detail?.child('seller_contact_info')?.text('email') ?? null,
    detail_fetched: detail !== null,
    raw: search.obj,
    raw_detail: detail ? without(detail.obj, 'products', 'creators') : null,
  };
  if (detail === null) return { targetCollaborations: [header] };
  const products = members(detail, 'products').map((p, i) =>
    product(Reader.of(p, `detail.products[${i}]`, tally), ctx.ownerId, id),
  );
  const creators = members(detail, 'creators').map((c, i) =>
    creator(Reader.of(c, `detail.creators[${i}]`, tally), ctx.ownerId, id),
  );
  return {
    targetCollaborations: [header],
    targetCollaborationProducts: lastByKey(products, 'product_id'),
    targetCollaborationCreators: lastByKey(creators, 'creator_key'),
  };
}

/**
 * The member list of a fetched detail. A detail always lists its products and creators (an empty
 * list when there are none); one that lacks the list says nothing about its members, and reading it
 * as "no members" would tombstone every stored one. So the whole item is rejected: its key is
 * known, so its stored membership stays seen, as for a member without its id.
 */
function members(detail: Reader, field: 'products' | 'creators'): unknown[] {
  const list = detail.array(field);
  if (list === null) {
    const path = detail.path === '' ? field : `${detail.path}.${field}`;
    return reject(`missing_field:${path}`, `the detail has no ${field} list: its membership is unknown`);
  }
  return list;
}

/** Keeps the last row per `key` value, in order of first appearance. */
function lastByKey(rows: Row[], key: string): Row[] {
  const byKey = new Map<unknown, Row>();
  for (const row of rows) byKey.set(row[key], row);
  return [...byKey.values()];
}

const spec: StreamSpec<Tables> = {
  tables: ['targetCollaborations', 'targetCollaborationProducts', 'targetCollaborationCreators'],
  contract: targetCollaborationContract,
  keyOf: (raw) => keyOfField(raw, 'search', 'id'),
  stored: {
    // Its products and creators are its rows too: a rejected item keeps its whole stored membership.
    tables: ['targetCollaborations', 'targetCollaborationProducts', 'targetCollaborationCreators'],
    key: (raw, ctx) => ({ shop_id: ctx.ownerId, target_collaboration_id: fieldOf(raw, 'search', 'id') }),
  },
  map: mapItem,
};

export function normalizeTargetCollaborations(
  items: unknown[],
  ctx: NormalizeContext,
): NormalizeResult<RowsOf<Tables>> {
  return runStream(spec, items, ctx);
}
