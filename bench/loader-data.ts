/**
 * Deterministic, realistic seller order lines for the loader benchmark: the row shape the seller
 * orders normalizer hands to tiktok_affiliate.seller_order_skus (docs/tiktok-api.md#seller-orders), raw of ~2 KB.
 */
type Row = Record<string, unknown>;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTENT = ['SHOP', 'VIDEO', 'LIVE', 'PRE_LIVE', 'PROMOTION_PAGE', 'LINKSHARE'];
const WORDS = ['serum', 'vitamin', 'glow', 'hydrating', 'cream', 'travel', 'set', 'organic', 'matte', 'lip'];

const money = (amount: string, currency: string) => ({ amount, currency });

export function makeSellerLines(count: number, seed: number): Row[] {
  const rand = prng(seed);
  const rows: Row[] = [];
  let order = 0;
  while (rows.length < count) {
    order += 1;
    const orderId = String(576_000_000_000_000_000n + BigInt(order) * 7919n);
    const lines = 1 + Math.floor(rand() * 3);
    for (let index = 0; index < lines && rows.length < count; index += 1) {
      rows.push(makeLine(rand, orderId, index));
    }
  }
  return rows;
}

function makeLine(rand: () => number, orderId: string, index: number): Row {
  const price = (5 + rand() * 200).toFixed(2);
  const quantity = 1 + Math.floor(rand() * 4);
  const base = (Number(price) * quantity).toFixed(2);
  const rate = 500 + Math.floor(rand() * 2000);
  const commission = ((Number(base) * rate) / 10_000).toFixed(2);
  const productId = String(1_729_000_000_000_000_000n + BigInt(Math.floor(rand() * 1e9)));
  const creator = `creator_${Math.floor(rand() * 50_000)}`;
  const contentType = CONTENT[Math.floor(rand() * CONTENT.length)]!;
  const contentId = String(7_493_000_000_000_000_000n + BigInt(Math.floor(rand() * 1e12)));
  const title = Array.from({ length: 14 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const raw = {
    open_collaboration_id: '73661290629',
    target_collaboration_id: '',
    campaign_id: '',
    creator_username: creator,
    price: money(price, 'USD'),
    quantity,
    content_type: contentType,
    content_id: contentId,
    product_id: productId,
    commission_model: 'Tiered commission',
    commission_tier_setting: '3.0 OR 5.0',
    commission_rate: String(rate),
    shop_ads_commission_rate: '5000',
    estimated_commission_base: money(base, 'USD'),
    estimated_paid_commission: money(commission, 'USD'),
    estimated_paid_shop_ads_commission: money('0.00', 'USD'),
    actual_commission_base: money(base, 'USD'),
    actual_paid_commission: money(commission, 'USD'),
    actual_paid_shop_ads_commission: money('0.00', 'USD'),
    refunded_quantity: 0,
    returned_quantity: 0,
    estimated_cofunded_creator_bonus_amount: money('0.00', 'USD'),
    actual_cofunded_creator_bonus_amount: money('0.00', 'USD'),
    // Fields the live API may add (docs/tiktok-api.md#newer-seller-order-versions) and a product title make the ~2 KB of the issue.
    product_name: title,
    sku_name: `${title.slice(0, 40)} / ${quantity * 50} ml`,
    sales_attributes: Array.from({ length: 6 }, (_, i) => ({
      id: String(100_000 + i),
      name: `attr_${i}`,
      value_name: title.slice(i * 10, i * 10 + 24),
    })),
    seller_sku: `SKU-${productId.slice(-8)}-${index}`,
    settlement_status: 'UNSETTLED',
  };
  return {
    shop_id: '7000714532876273420',
    order_id: orderId,
    line_key: `${productId.slice(-12)}${index.toString(16).padStart(4, '0')}`,
    line_index: index,
    product_id: productId,
    content_type: contentType,
    content_id: contentId,
    creator_username: creator,
    campaign_id: null,
    open_collaboration_id: '73661290629',
    target_collaboration_id: null,
    price_amount: price,
    price_currency: 'USD',
    quantity,
    refunded_quantity: 0,
    returned_quantity: 0,
    commission_model: 'Tiered commission',
    commission_tier_setting: '3.0 OR 5.0',
    commission_rate_bps: rate,
    shop_ads_commission_rate_bps: 5000,
    estimated_commission_base_amount: base,
    estimated_commission_base_currency: 'USD',
    estimated_paid_commission_amount: commission,
    estimated_paid_commission_currency: 'USD',
    estimated_paid_shop_ads_commission_amount: '0.00',
    estimated_paid_shop_ads_commission_currency: 'USD',
    actual_commission_base_amount: base,
    actual_commission_base_currency: 'USD',
    actual_paid_commission_amount: commission,
    actual_paid_commission_currency: 'USD',
    actual_paid_shop_ads_commission_amount: '0.00',
    actual_paid_shop_ads_commission_currency: 'USD',
    estimated_cofunded_creator_bonus_amount: '0.00',
    estimated_cofunded_creator_bonus_amount_currency: 'USD',
    actual_cofunded_creator_bonus_amount: '0.00',
    actual_cofunded_creator_bonus_amount_currency: 'USD',
    raw,
  };
}

/** A copy where `fraction` of the lines settled: a partial refund changed their actual commission. */
export function mutateLines(rows: readonly Row[], fraction: number, seed: number): Row[] {
  const rand = prng(seed);
  return rows.map((row) => {
    if (rand() >= fraction) return row;
    const raw = row.raw as Record<string, unknown>;
    const actual = (Number(row.actual_paid_commission_amount) / 2).toFixed(2);
    return {
      ...row,
      refunded_quantity: 1,
      actual_paid_commission_amount: actual,
      raw: {
        ...raw,
        refunded_quantity: 1,
        actual_paid_commission: money(actual, 'USD'),
        settlement_status: 'SETTLED',
      },
    };
  });
}
