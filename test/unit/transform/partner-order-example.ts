/**
 * A TAP order in the documented shape (no official example exists for this search): every field the
 * reference lists for orders[] and its `skus`, with `skus` as ONE object as the spec and SDK type it.
 */
export function tapOrderExample(): Record<string, unknown> {
  return {
    id: '576470906384928384',
    create_time: 1731019880,
    delivery_time: 1731279080,
    status: 'COMPLETED',
    skus: {
      id: '1729793769377925388',
      campaign_id: '7356876895365105455',
      creator_username: 'us_lxq6213',
      product_name: 'black_suit',
      product_id: '1729793769377859852',
      price: { amount: '19.90', currency: 'USD' },
      quantity: 2,
      content_type: 'VIDEO',
      content_id: '7493990579714164574',
      creator_commission_rate: 1000,
      tap_commission_rate: 500,
      estimated_commission_base: { amount: '39.80', currency: 'USD' },
      estimated_creator_commission: { amount: '3.98', currency: 'USD' },
      estimated_tap_commission: { amount: '1.99', currency: 'USD' },
      actual_commission_base: { amount: '19.90', currency: 'USD' },
      actual_creator_commission: { amount: '1.99', currency: 'USD' },
      actual_tap_commission: { amount: '1.00', currency: 'USD' },
      refunded_quantity: 0,
      returned_quantity: 1,
      partner_commission_reward_rate: 200,
      estimated_partner_commission_reward_fee: { amount: '0.80', currency: 'USD' },
      actual_partner_commission_reward_fee: { amount: '0.40', currency: 'USD' },
      creator_commission_reward_rate: 300,
      estimated_creator_commission_reward_fee: { amount: '1.19', currency: 'USD' },
      actual_creator_commission_reward_fee: { amount: '0.60', currency: 'USD' },
    },
  };
}
