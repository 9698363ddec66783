<?php
namespace app\controller;

use support\Request;

class PayController
{
    public function query(Request $request)
    {
        $res = $this->getClient()->chain('v3/pay/transactions/id/{transaction_id}')->get([
            'transaction_id' => '1217752501201407033233368018',
            'query' => ['mchid' => '1230000109'],
        ]);
        return json($res->getBody());
    }

    public function certificates()
    {
        return $this->pay->wechat()->v3->certificates->get();
    }
}
