<?php
// H5纯签约: an APIv2 GET whose query the sample signs by hand.
use WeChatPay\Crypto\Hash;
use WeChatPay\Formatter;

$params = [
  'appid'                    => 'wx8888888888888888',
  'mch_id'                   => '1900000109',
  'plan_id'                  => '12535',
  'contract_code'            => '100000',
  'request_serial'           => '1000',
  'contract_display_account' => '微信代扣',
  'notify_url'               => 'https://weixin.qq.com',
  'version'                  => '1.0',
  'sign_type'                => 'HMAC-SHA256',
  'timestamp'                => Formatter::timestamp(),
  'clientip'                 => '119.145.83.6',
  'return_web'               => \urlencode('https://example.com/return?from=h5'),
];
$params['outerid'] = 'user123';
$params['sign'] = Hash::sign(
  Hash::ALGO_HMAC_SHA256,
  Formatter::queryStringLike(Formatter::ksort($params)),
  $apiv2Key
);

$instance->v2->papay->h5entrustweb->getAsync([
  'query' => $params,
])
->then(static function(\Psr\Http\Message\ResponseInterface $response) {
  print_r(\WeChatPay\Transformer::toArray((string) $response->getBody()));
})
->wait();
