<?php

namespace App\Services;

class RefundService
{
    public function __construct(private \WeChatPay\BuilderChainable $instance)
    {
    }

    public function refund(string $outTradeNo): array
    {
        $json = [
            'out_trade_no'  => '1217752501201407033233368018',
            'out_refund_no' => 'R20261206001',
            'reason'        => '商品已售完',
        ];
        $json['amount'] = ['refund' => 1, 'total' => 100, 'currency' => 'CNY'];
        $response = $this->instance->chain('v3/refund/domestic/refunds')->post(['json' => $json]);
        return json_decode((string) $response->getBody(), true);
    }

    public function micropay(): array
    {
        $response = $this->instance->v2->pay->micropay->post([
            'xml' => [
                'appid'            => 'wx8888888888888888',
                'mch_id'           => '1900000109',
                'body'             => '腾讯充值中心-QQ会员充值',
                'out_trade_no'     => 'MP20261206101',
                'total_fee'        => 1,
                'spbill_create_ip' => '8.8.8.8',
                'auth_code'        => '120061098828009406',
                'scene_info'       => \json_encode(['store_info' => ['id' => 'SZTX001']]),
            ],
        ]);
        return \WeChatPay\Transformer::toArray((string) $response->getBody());
    }

    public function certificates(array $options): array
    {
        $response = $this->instance->v3->certificates->get(...$options);
        return json_decode((string) $response->getBody(), true);
    }
}
