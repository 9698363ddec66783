<?php
namespace app\api\controller;

use think\facade\Db;

class Refund extends Base
{
    public function status()
    {
        $row = Db::name('refund')->where('id', input('id'))->find();
        $resp = $this->payment->getInstance()->chain("v3/refund/domestic/refunds/{$row['out_refund_no']}")->get();
        return json(['status' => $resp->getStatusCode()]);
    }

    public function close($orderNo)
    {
        $this->payment->getInstance()->chain('v3/pay/transactions/out-trade-no/' . $orderNo . '/close')->post([
            'json' => ['mchid' => config('wechat.mchid')],
        ]);
    }
}
