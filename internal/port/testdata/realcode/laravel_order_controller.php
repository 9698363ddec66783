<?php

namespace App\Http\Controllers\Api;

use App\Models\Order;
use Illuminate\Http\Request;

class OrderPayController extends Controller
{
    public function jsapi(Request $request, Order $order)
    {
        $result = $this->wechat->v3->pay->transactions->jsapi->post([
            'json' => [
                'appid' => config('wechat.payment.app_id'),
                'mchid' => config('wechat.payment.mch_id'),
                'description' => '订单' . $order->order_no,
                'out_trade_no' => $order->order_no,
                'time_expire' => date('Y-m-d\TH:i:sP', time() + 1800),
                'attach' => $request->input('attach') ?? '',
                'notify_url' => env('APP_URL') . '/api/wechat/notify',
                'amount' => [
                    'total' => (int) bcmul($order->pay_amount, 100),
                    'currency' => 'CNY',
                ],
                'payer' => ['openid' => $request->user()->openid],
                'goods_tag' => $order->coupon_id ? 'WXG' : 'NONE',
            ],
        ]);
        return response()->json(json_decode($result->getBody(), true));
    }
}
