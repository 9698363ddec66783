<?php
// 下载账单: Guzzle's sink writes the file.
$instance->chain('v3/billdownload/file')->get([
    'query' => ['token' => '6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO'],
    'sink'  => 'bill.csv',
]);
