<?php
// 图片上传: MediaUtil reads a file:// URL, as fopen does.
use WeChatPay\Util\MediaUtil;

$media = new MediaUtil('file:///tmp/wxpay-port-snippet.jpg');
$resp = $instance->v3->merchant->media->upload->post([
    'body'    => $media->getStream(),
    'headers' => ['Content-Type' => $media->getContentType()],
]);
echo $resp->getBody(), PHP_EOL;
