<?php

namespace App\Http\Controllers;

use Illuminate\Http\Request;
use WeChatPay\Builder;

class OrderController extends Controller
{
    /** @var \WeChatPay\BuilderChainable */
    protected $instance;

    public function native(Request $request)
    {
        $resp = $this->instance->v3->pay->transactions->native->post([
            'json' => [
                'appid'        => 'wxd678efh567hg6787',
                'mchid'        => '1230000109',
                'description'  => 'Image形象店-深圳腾大-QQ公仔',
                'out_trade_no' => 'P20261206120001',
                'notify_url'   => 'https://www.weixin.qq.com/wxpay/pay.php',
                'amount'       => ['total' => 100, 'currency' => 'CNY'],
            ],
        ]);
        return json_decode((string) $resp->getBody(), true);
    }

    public function query(Request $request)
    {
        $resp = $this->instance->v3->pay->transactions->outTradeNo->_out_trade_no_->get([
            'out_trade_no' => $request->input('out_trade_no'),
            'query'        => ['mchid' => '1230000109'],
        ]);
        return json_decode((string) $resp->getBody(), true);
    }
}
