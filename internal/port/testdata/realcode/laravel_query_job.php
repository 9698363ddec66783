<?php

namespace App\Jobs;

use App\Models\Payment;
use Illuminate\Support\Facades\Log;

class SyncWechatPayment implements ShouldQueue
{
    public function __construct(public Payment $payment)
    {
    }

    public function handle(WechatPay $wechat): void
    {
        $contents = $wechat->client()->v3->pay->transactions->outTradeNo->_out_trade_no_->get([
            'out_trade_no' => $this->payment->out_trade_no,
            'query' => ['mchid' => config('services.wechat.mchid')],
        ])->getBody()->getContents();
        $result = json_decode($contents, true);
        echo $result['trade_state'];

        $status = retry(3, fn () => $wechat->client()->v3->refund->domestic->refunds->_out_refund_no_->get([
            'out_refund_no' => $this->payment->refund_no,
        ])->getStatusCode(), 200);
    }
}
