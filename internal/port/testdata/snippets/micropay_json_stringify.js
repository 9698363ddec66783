// 付款码支付, Node: the store is a JSON string inside the XML.
const storeId = 'SZTX001'

const res = await wxpay.v2.pay.micropay({
  appid: 'wx8888888888888888',
  mch_id: '1900000109',
  body: '腾讯充值中心-QQ会员充值',
  out_trade_no: 'MP20261206002',
  total_fee: 888,
  spbill_create_ip: '8.8.8.8',
  auth_code: '120061098828009406',
  scene_info: JSON.stringify({ store_info: { id: 'SZTX001', name: '腾大餐厅 / 南山店', area_code: '440305' } }),
  attach: encodeURIComponent('from=shop&note=two words~*'),
})
console.info(res.data)
