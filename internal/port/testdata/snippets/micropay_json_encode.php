<?php
// 付款码支付: the goods detail and the store are JSON strings inside the XML.
use WeChatPay\Formatter;

$storeId = 'SZTX001';
$response = $instance->v2->pay->micropay->post([
    'xml' => [
        'appid'            => 'wx8888888888888888',
        'mch_id'           => '1900000109',
        'nonce_str'        => Formatter::nonce(),
        'body'             => '腾讯充值中心-QQ会员充值',
        'out_trade_no'     => 'MP20261206001',
        'total_fee'        => 888,
        'spbill_create_ip' => '8.8.8.8',
        'auth_code'        => '120061098828009406',
        'detail'           => \json_encode([
            'cost_price' => 608800,
            'goods_detail' => [
                ['goods_id' => '商品编码', 'wxpay_goods_id' => '1001', 'goods_name' => 'iPhone6s 16G', 'quantity' => 1, 'price' => 528800],
                ['goods_id' => 'iphone6s_32G', 'quantity' => 1, 'price' => 608800],
            ],
        ]),
        'scene_info'       => \json_encode(['store_info' => [
            'id'        => $storeId,
            'name'      => '腾大餐厅 / 南山店',
            'area_code' => '440305',
            'address'   => '科技园中一路腾讯大厦',
        ]], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES),
        'attach'           => \urlencode('from=shop&note=two words~'),
    ],
]);
print_r(\WeChatPay\Transformer::toArray((string) $response->getBody()));
