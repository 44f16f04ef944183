/**
 * One campaign product statistics entry in the documented shape (the list's official example is not
 * among the recorded fixtures): every indicator a string, money as bare decimals, rates as string bps,
 * data_update_time as string milliseconds.
 */
export function performanceExample(): Record<string, unknown> {
  return {
    data_update_time: '1736204400000',
    creator_sales_num: 3,
    collaborated_creators_num: 5,
    promoted_creator_num: 4,
    sample_requested_creator_num: 2,
    campaign_product_detail: {
      product_id: '1729442777527587334',
      product_status: 'PRODUCT_APPROVED',
      product_name: 'Blue t-shirt',
      product_stock_count: '120',
      total_commission_percent: '2000',
      creator_commission_percent: '1500',
      partner_commission_percent: '500',
      plan_commission_percent: '1000',
      product_price: { min_price: '9.90', max_price: '19.90', currency: 'USD' },
      product_thumbnail: { uri: 'tos-maliva-i/abc', url_list: ['https://p16.example/abc.webp'] },
      indicator_data: {
        paid_order_num: '42',
        actual_order_num: '40',
        estimated_amount: '415.80',
        actual_amount: '396.00',
        estimated_partner_commission: '20.79',
        actual_partner_commission: '19.80',
        creator_sales_num: '3',
        collaborated_creators_num: '5',
        promoted_creator_num: '4',
        sample_requested_creator_num: '2',
      },
    },
  };
}
