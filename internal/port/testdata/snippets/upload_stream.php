<?php
// 图片上传 from a stream: the first argument only names the upload.
use GuzzleHttp\Psr7\Utils;
use WeChatPay\Util\MediaUtil;

$media = new MediaUtil('avatar.jpg', Utils::streamFor(fopen('/tmp/wxpay-port-stream.bin', 'rb')));
$resp = $instance->v3->merchant->media->upload->post([
    'body'    => $media->getStream(),
    'headers' => ['Content-Type' => $media->getContentType()],
]);
echo $resp->getBody(), PHP_EOL;
