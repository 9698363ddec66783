<?php

namespace App\Services\Payment;

use App\Models\Order;
use WeChatPay\Builder;

class WechatRefundService
{
    protected $app;

    public function __construct(PaymentManager $manager)
    {
        $this->app = $manager->wechat();
    }

    public function queryRefund()
    {
        $response = $this->app->v3->refund->domestic->refunds->_out_refund_no_->get([
            'out_refund_no' => 'R20240101000001',
        ]);

        return json_decode((string) $response->getBody(), true);
    }

    public function closeOrder()
    {
        $this->app->v3->pay->transactions->outTradeNo->_out_trade_no_->close->post([
            'out_trade_no' => 'T20240101000001',
            'json' => ['mchid' => '1230000109'],
        ]);
    }
}
