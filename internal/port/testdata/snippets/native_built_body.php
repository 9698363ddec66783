<?php
// Native下单: the body is built in steps before the call.
$outTradeNo = 'N20261206001';
$json = [
  'appid'        => 'wxd678efh567hg6787',
  'mchid'        => '1230000109',
  'description'  => 'Image形象店-深圳腾大-QQ公仔',
  'out_trade_no' => $outTradeNo,
  'notify_url'   => 'https://www.weixin.qq.com/wxpay/pay.php',
];
$json['amount'] = ['total' => 100, 'currency' => 'CNY'];
$json['description'] = 'Image形象店-深圳腾大-QQ公仔 x2';

$resp = $instance->chain('v3/pay/transactions/native')->post(['json' => $json]);
echo $resp->getBody(), PHP_EOL;
