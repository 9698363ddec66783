<?php
namespace app\common\service;

class WxTransfer
{
    protected static $instanceV3;

    public function batches()
    {
        $resp = self::$instanceV3->chain('/v3/transfer/batches')->post([
            'json' => [
                'appid' => 'wxd678efh567hg6787',
                'out_batch_no' => 'plfk2020042013',
                'batch_name' => '2019年1月深圳分部报销单',
                'batch_remark' => '2019年1月深圳分部报销单',
                'total_amount' => 4000000,
                'total_num' => 200,
                'transfer_detail_list' => [
                    ['out_detail_no' => 'x23zy545Bd5436', 'transfer_amount' => 200000, 'transfer_remark' => '2020年4月报销', 'openid' => 'o-MYE42l80oelYMDE34nYD456Xoy'],
                ],
            ],
        ]);
        echo $resp->getStatusCode();
    }
}
