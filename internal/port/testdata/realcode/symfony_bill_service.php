<?php

namespace App\Payment\Wechat;

use Psr\Log\LoggerInterface;

final class BillDownloader
{
    public function __construct(private readonly WechatPayFactory $factory, private LoggerInterface $logger)
    {
    }

    public function tradeBill(\DateTimeInterface $day): string
    {
        $instance = $this->factory->instance();
        $response = $instance->chain('/v3/bill/tradebill?bill_date=' . $day->format('Y-m-d') . '&bill_type=ALL')->get();
        $this->logger->info('trade bill requested');
        return (string) $response->getBody();
    }

    public function subMerchantQuery(string $subMchid, string $outTradeNo): array
    {
        $response = $this->factory->instance()->v3->pay->partner->transactions->outTradeNo->{$outTradeNo}->get([
            'query' => ['sp_mchid' => $this->spMchid, 'sub_mchid' => $subMchid],
        ]);
        return json_decode((string) $response->getBody(), true);
    }
}
