/**
 * Record contracts (src/transform/contract.ts): every required field of every stream, taken from the
 * declarations themselves, is removed, nulled and mistyped on the official example; each variant must
 * be quarantined with the field named, produce no row, and (snapshot streams) still carry the key of
 * the stored rows it stands for.
 */
import { describe, expect, it } from 'vitest';
import { renderRecordContracts } from '../../../scripts/gen-data-dictionary.ts';
import { NORMALIZERS } from '../../../src/jobs/normalizers.ts';
import { RecordRejection } from '../../../src/transform/errors.ts';
import { contractLines, RECORD_CONTRACTS } from '../../../src/transform/index.ts';
import { Reader } from '../../../src/transform/reader.ts';
import type { NormalizeResult } from '../../../src/transform/types.ts';
import { ctx } from './examples.ts';
import { GOOD } from './good-records.ts';

type Name = keyof typeof RECORD_CONTRACTS;

const OWNER = '7000714532876273420';
const SCOPE = { search_id: 's1', campaign_id: 'c1', product_id: 'p1', shop_id: 'shop1' };

const SNAPSHOT: readonly Name[] = [
  'normalizeOpenCollaborations',
  'normalizeOpenCollaborationProducts',
  'normalizeTargetCollaborations',
  'normalizePartnerCampaigns',
  'normalizePartnerCampaignProducts',
  'normalizeCampaignCreatorFulfillment',
  'normalizeCampaignProductPerformance',
  'normalizeCreatorTargetCollaborations',
  'normalizeCreatorOpenCollaborationProducts',
];

function normalize(name: Name, records: unknown[]): NormalizeResult {
  return NORMALIZERS[name](records, ctx(OWNER, SCOPE));
}

/** Sets (or deletes, for `undefined`) the value at a contract path; `[]` steps into the first item. */
function setAt(record: Record<string, unknown>, path: string, value: unknown): string {
  const steps = path.split('.');
  let node: Record<string, unknown> = record;
  const concrete: string[] = [];
  steps.forEach((step, i) => {
    const list = step.endsWith('[]');
    const field = list ? step.slice(0, -2) : step;
    concrete.push(list ? `${field}[0]` : field);
    if (i === steps.length - 1) {
      if (value === undefined) delete node[field];
      else node[field] = value;
      return;
    }
    const next = node[field];
    node = (list ? (next as unknown[])[0] : next) as Record<string, unknown>;
  });
  return concrete.join('.');
}

const cases = Object.entries(RECORD_CONTRACTS).flatMap(([name, { contract }]) =>
  contractLines(contract)
    .filter((l) => l.required)
    .map((l) => ({ name: name as Name, path: l.path, kind: l.kind, nonEmpty: l.nonEmpty })),
);

describe('record contracts', () => {
  it.each(Object.keys(RECORD_CONTRACTS) as Name[])('%s: the official example meets its contract', (name) => {
    const r = normalize(name, [GOOD[name]()]);
    expect(r.rejected).toEqual([]);
    expect(Object.values(r.rows)[0]).toHaveLength(1);
  });

  it('declares the fields the issue names as required', () => {
    const required = (name: Name) =>
      contractLines(RECORD_CONTRACTS[name].contract)
        .filter((l) => l.required)
        .map((l) => l.path);
    for (const name of [
      'normalizeSellerOrders',
      'normalizeCreatorOrders',
      'normalizePartnerOrders',
    ] as const) {
      expect(required(name)).toEqual(expect.arrayContaining(['id', 'status', 'create_time', 'skus']));
    }
    expect(required('normalizeCampaignCreatorFulfillment')).toEqual(
      expect.arrayContaining(['paid_amount', 'room_count', 'video_count']),
    );
  });

  describe.each(cases)('$name: required $path ($kind)', ({ name, path, kind, nonEmpty }) => {
    const variants: [string, unknown, RegExp][] = [
      ['absent', undefined, /^missing_field:/],
      ['null', null, /^missing_field:/],
      [
        'of the wrong type',
        kind === 'object' || kind === 'list' || kind === 'objects' || kind === 'money'
          ? 'x'
          : { nested: true },
        /^(wrong_type|bad_[a-z]+):/,
      ],
    ];
    if (kind === 'text' || kind === 'id' || kind === 'enum') variants.push(['empty', '', /^missing_field:/]);
    if (kind === 'epoch') variants.push(['0 ("not set")', 0, /^missing_field:/]);
    if (nonEmpty) variants.push(['an empty list', [], /^empty_list:/]);

    it.each(variants)('%s: quarantined with the field named, no row produced', (_label, value, reason) => {
      const record = GOOD[name]();
      const concrete = setAt(record, path, value);
      const r = normalize(name, [record]);
      expect(r.rejected).toHaveLength(1);
      const [rejected] = r.rejected;
      expect(rejected!.reason).toMatch(reason);
      // The reason names the field itself (or, for a money value, its amount/currency).
      expect(rejected!.reason.slice(rejected!.reason.indexOf(':') + 1)).toMatch(
        new RegExp(`^${concrete.replace(/[.[\]]/g, '\\$&')}(\\.(amount|currency))?$`),
      );
      expect(rejected!.detail).not.toBe('');
      expect(rejected!.raw).toEqual(record);
      for (const rows of Object.values(r.rows)) expect(rows).toEqual([]);
    });
  });

  // An optional field may be absent, never present with another type: storing it would replace
  // the good stored value (a drifted contact_info object arriving as a JSON string).
  const optional = Object.entries(RECORD_CONTRACTS).flatMap(([name, { contract }]) =>
    contractLines(contract)
      .filter((l) => !l.required)
      .map((l) => ({ name: name as Name, path: l.path, kind: l.kind })),
  );
  it.each(optional)(
    '$name: optional $path ($kind) of the wrong type is quarantined',
    ({ name, path, kind }) => {
      const record = GOOD[name]();
      const structured = kind === 'object' || kind === 'list' || kind === 'objects' || kind === 'money';
      const concrete = setAt(record, path, structured ? '{"drifted":"as a JSON string"}' : { nested: true });
      const r = normalize(name, [record]);
      expect(r.rejected.map((x) => x.reason)).toEqual([expect.stringMatching(/^(wrong_type|bad_[a-z]+):/)]);
      expect(r.rejected[0]!.reason.slice(r.rejected[0]!.reason.indexOf(':') + 1)).toBe(concrete);
      for (const rows of Object.values(r.rows)) expect(rows).toEqual([]);
    },
  );

  it('the jsonb sub-documents are declared with their shape', () => {
    const optionalPaths = (n: Name) => optional.filter((o) => o.name === n).map((o) => `${o.path} ${o.kind}`);
    expect(optionalPaths('normalizePartnerCampaigns')).toEqual(
      expect.arrayContaining(['detail.contact_info object', 'detail.target_shops list']),
    );
    expect(optionalPaths('normalizePartnerCampaignProducts')).toContain('sku_information_list list');
    expect(optionalPaths('normalizeOpenCollaborationProducts')).toContain('category_chains list');
  });

  it.each(SNAPSHOT)('%s: a rejected record still names the stored rows it stands for', (name) => {
    const record = GOOD[name]();
    // A 2 MB field: over the whole-record bound, whatever the field.
    record['sandbox_note'] = 'x'.repeat(2 * 1024 * 1024);
    const [rejected] = normalize(name, [record]).rejected;
    expect(rejected?.reason).toBe('record_too_large');
    expect(rejected?.stored?.tables.length).toBeGreaterThan(0);
    expect(Object.values(rejected?.stored?.key ?? {})).not.toContain('');
    expect(rejected?.stored?.key).toEqual(expect.objectContaining(ownerKeyOf(name)));
  });

  it('the stored-row key of each snapshot stream', () => {
    const keyOf = (name: Name, record: Record<string, unknown>) => {
      record['video_count'] = -1;
      record['status'] = 17;
      record['summary'] = { ...(record['summary'] as object), status: 17 };
      record['review_status'] = 17;
      record['search'] = { ...(record['search'] as object), start_time: 'soon' };
      record['title'] = 17.5;
      record['showcase_creator_count'] = -1;
      const [rejected] = normalize(name, [record]).rejected;
      return rejected?.stored;
    };
    expect(keyOf('normalizeOpenCollaborations', GOOD.normalizeOpenCollaborations())).toEqual({
      tables: ['openCollaborations'],
      key: { shop_id: OWNER, open_collaboration_id: '94297006405' },
    });
    expect(keyOf('normalizeTargetCollaborations', GOOD.normalizeTargetCollaborations())).toEqual({
      tables: ['targetCollaborations', 'targetCollaborationProducts', 'targetCollaborationCreators'],
      key: { shop_id: OWNER, target_collaboration_id: '789078671231123124' },
    });
    expect(
      keyOf('normalizeCreatorTargetCollaborations', GOOD.normalizeCreatorTargetCollaborations()),
    ).toEqual({
      tables: ['creatorTargetCollaborations', 'creatorTargetCollaborationProducts'],
      key: { creator_id: OWNER, shop_id: 'shop1', target_collaboration_id: '789078671231123124' },
    });
    expect(keyOf('normalizeCampaignCreatorFulfillment', GOOD.normalizeCampaignCreatorFulfillment())).toEqual({
      tables: ['campaignCreatorFulfillment'],
      key: {
        partner_id: OWNER,
        campaign_id: 'c1',
        product_id: 'p1',
        creator_open_id: 'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg',
      },
    });
    expect(keyOf('normalizePartnerCampaignProducts', GOOD.normalizePartnerCampaignProducts())).toEqual({
      tables: ['partnerCampaignProducts'],
      key: { partner_id: OWNER, campaign_id: 'c1', product_id: '1729442777527587334' },
    });
  });

  it('a key that cannot be read is null, never guessed (the snapshot of its scope is then incomplete)', () => {
    const noId = GOOD.normalizeOpenCollaborations();
    noId['id'] = { drifted: '94297006405' };
    const creatorAsText = GOOD.normalizeCampaignCreatorFulfillment();
    creatorAsText['creator'] = JSON.stringify(creatorAsText['creator']);
    const hugeId = GOOD.normalizePartnerCampaignProducts();
    hugeId['id'] = '9'.repeat(2048);
    const open = normalize('normalizeOpenCollaborations', [noId]).rejected;
    const fulfillment = normalize('normalizeCampaignCreatorFulfillment', [creatorAsText]).rejected;
    const products = normalize('normalizePartnerCampaignProducts', [hugeId]).rejected;
    expect(open.map((r) => [r.reason, r.stored])).toEqual([['bad_id:id', null]]);
    expect(fulfillment.map((r) => [r.reason, r.stored])).toEqual([['wrong_type:creator', null]]);
    expect(products.map((r) => [r.reason, r.stored])).toEqual([['too_large:id', null]]);
  });

  it('order streams carry no stored-row key: their rejected orders are simply not written', () => {
    const o = GOOD.normalizeSellerOrders();
    delete o['status'];
    const [rejected] = normalize('normalizeSellerOrders', [o]).rejected;
    expect(rejected?.reason).toBe('missing_field:status');
    expect(rejected?.stored).toBeUndefined();
  });
});

describe('hostile variants the contract must not refuse', () => {
  it('an order create_time sent in milliseconds is the same instant as in seconds', () => {
    const seconds = GOOD.normalizeSellerOrders();
    const ms = GOOD.normalizeSellerOrders();
    ms['create_time'] = (seconds['create_time'] as number) * 1000;
    const a = normalize('normalizeSellerOrders', [seconds]).rows['sellerOrders']![0]!['create_time'];
    const b = normalize('normalizeSellerOrders', [ms]).rows['sellerOrders']![0]!['create_time'];
    expect(b).toEqual(a);
    expect(a).toEqual(new Date('2024-07-31T10:03:06.000Z'));
  });

  it('fulfillment times in string seconds or string milliseconds, counters as digit strings', () => {
    const ms = GOOD.normalizeCampaignCreatorFulfillment();
    const s = GOOD.normalizeCampaignCreatorFulfillment();
    s['effective_start_time'] = '1731019880';
    s['video_count'] = '1';
    const [a] = normalize('normalizeCampaignCreatorFulfillment', [ms]).rows['campaignCreatorFulfillment']!;
    const [b] = normalize('normalizeCampaignCreatorFulfillment', [s]).rows['campaignCreatorFulfillment']!;
    expect(a?.['effective_start_time']).toEqual(new Date(1731019880391));
    expect(b?.['effective_start_time']).toEqual(new Date(1731019880000));
    expect(b?.['video_count']).toBe(1);
  });

  it('optional fields stay optional: absent is NULL', () => {
    const o = GOOD.normalizeSellerOrders();
    delete o['delivery_time'];
    const p = GOOD.normalizeOpenCollaborationProducts();
    delete p['units_sold'];
    expect(normalize('normalizeSellerOrders', [o]).rows['sellerOrders']![0]!['delivery_time']).toBeNull();
    expect(
      normalize('normalizeOpenCollaborationProducts', [p]).rows['openCollaborationProducts']![0]![
        'units_sold'
      ],
    ).toBeNull();
  });

  it('a huge text field is quarantined by its own bound before the record bound', () => {
    const c = GOOD.normalizeOpenCollaborations();
    (c['product'] as Record<string, unknown>)['title'] = 't'.repeat(100 * 1024);
    const [rejected] = normalize('normalizeOpenCollaborations', [c]).rejected;
    expect(rejected?.reason).toBe('too_large:product.title');
    expect(rejected?.stored?.key).toEqual({ shop_id: OWNER, open_collaboration_id: '94297006405' });
  });
});

function ownerKeyOf(name: Name): Record<string, string> {
  if (name === 'normalizeOpenCollaborationProducts') return { search_id: 's1' };
  if (name === 'normalizeCreatorOpenCollaborationProducts') return { creator_id: OWNER, search_id: 's1' };
  if (name === 'normalizeCreatorTargetCollaborations') return { creator_id: OWNER, shop_id: 'shop1' };
  if (name.startsWith('normalizePartner') || name.startsWith('normalizeCampaign'))
    return { partner_id: OWNER };
  return { shop_id: OWNER };
}

describe('the data dictionary renders the contracts from the same declarations', () => {
  it('lists every declared field of every stream with its required flag', () => {
    const text = renderRecordContracts().join('\n');
    for (const [name, { contract }] of Object.entries(RECORD_CONTRACTS)) {
      expect(text).toContain(`### ${name}`);
      for (const line of contractLines(contract)) {
        expect(text).toMatch(
          new RegExp(
            `\\| \`${line.path.replace(/[.[\]]/g, '\\$&')}\` \\| [^|]+ \\| ${line.required ? '\\*\\*yes\\*\\*' : 'no'} \\|`,
          ),
        );
      }
    }
    expect(text).toContain('| whole record (UTF-8 JSON) | 1 MiB | `record_too_large` |');
  });
});

describe('a jsonb sub-document is read with its shape', () => {
  const reasonOf = (f: () => unknown) => {
    try {
      f();
      return null;
    } catch (err) {
      return err instanceof RecordRejection ? err.reason : String(err);
    }
  };
  it('an object sent as a JSON string, or a list sent as an object, is rejected; absent is null', () => {
    const r = Reader.of(
      { info: '{"email":"a@b"}', shops: { code: 'X' }, ok: { email: 'a@b' } },
      'detail',
      {},
    );
    expect(reasonOf(() => r.json('info', 'object'))).toBe('wrong_type:detail.info');
    expect(reasonOf(() => r.json('shops', 'list'))).toBe('wrong_type:detail.shops');
    expect(r.json('ok', 'object')).toEqual({ email: 'a@b' });
    expect(r.json('absent', 'list')).toBeNull();
  });
});
