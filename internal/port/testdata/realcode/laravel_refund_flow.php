<?php

namespace App\Services;

use App\Models\Order;
use Illuminate\Support\Facades\Log;

class RefundService
{
    public function refund(Order $order, string $reason, int $type)
    {
        $json = [
            'out_trade_no' => $order->out_trade_no,
            'out_refund_no' => 'RF' . $order->id . date('YmdHis'),
            'reason' => $reason,
            'notify_url' => config('wechat.refund_notify_url'),
        ];
        $total = intval($order->amount * 100);
        $json['amount'] = [
            'refund' => $total,
            'total' => $total,
            'currency' => 'CNY',
        ];
        if ($type == 2) {
            $json['funds_account'] = 'AVAILABLE';
        }
        $options = ['json' => $json];
        Log::info('refund', $json);
        try {
            $refunds = $this->app->v3->refund->domestic->refunds;
            $response = $refunds->post($options);
            $result = json_decode((string) $response->getBody(), true);
            echo $result['status'];
        } catch (\Throwable $e) {
            Log::error($e->getMessage());
            throw $e;
        }
    }

    public function close(Order $order)
    {
        switch ($order->channel) {
            case 'partner':
                $this->app->v3->pay->partner->transactions->outTradeNo->{$order->out_trade_no}->close->post([
                    'json' => ['sp_mchid' => config('wechat.sp_mchid'), 'sub_mchid' => $order->sub_mchid],
                ]);
                break;
            case 'direct':
            default:
                $this->app->v3->pay->transactions->outTradeNo->{$order->out_trade_no}->close->post([
                    'json' => ['mchid' => config('wechat.mchid')],
                ]);
        }
    }

    public function query(Order $order)
    {
        if ($order->transaction_id) {
            $resp = $this->app->v3->pay->transactions->id->{$order->transaction_id}->get(['query' => ['mchid' => config('wechat.mchid')]]);
        } elseif ($order->out_trade_no !== '') {
            $resp = $this->app->v3->pay->transactions->outTradeNo->{$order->out_trade_no}->get(['query' => ['mchid' => config('wechat.mchid')]]);
        } else {
            return null;
        }
        return $resp->getStatusCode();
    }
}
