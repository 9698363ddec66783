import { Injectable } from '@nestjs/common';
import { Wechatpay } from 'wechatpay-axios-plugin';

@Injectable()
export class PayService {
  constructor(private readonly wxpay: Wechatpay) {}

  async native() {
    const res = await this.wxpay.v3.pay.transactions.native.post({
      mchid: '1230000109',
      appid: 'wxd678efh567hg6787',
      description: 'Image形象店-深圳腾大-QQ公仔',
      out_trade_no: '1217752501201407033233368018',
      notify_url: 'https://www.weixin.qq.com/wxpay/pay.php',
      amount: { total: 100, currency: 'CNY' },
    });
    return res.data;
  }

  async bills() {
    return this.wxpay.chain('/v3/bill/tradebill').get({ params: { bill_date: '2024-01-01' } });
  }
}
