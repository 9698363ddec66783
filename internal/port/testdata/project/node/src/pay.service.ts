import { Injectable } from '@nestjs/common';
import { Wechatpay } from 'wechatpay-axios-plugin';

@Injectable()
export class PayService {
  constructor(private readonly wxpay: Wechatpay) {}

  async close(outTradeNo: string): Promise<number> {
    const res = await this.wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post(
      { mchid: '1230000109' },
      { out_trade_no: 'P20261206120001' },
    );
    return res.status;
  }

  async query(transactionId: string) {
    const res = await this.wxpay.v3.pay.transactions.id[transactionId].get({ params: { mchid: '1230000109' } });
    return res.data;
  }

  async certificates() {
    const { data } = await this.wxpay.v3.certificates.get();
    return data;
  }
}
