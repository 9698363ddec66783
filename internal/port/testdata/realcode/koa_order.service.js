'use strict';

class OrderService {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async query(outTradeNo) {
    const { app } = this.ctx;
    const res = await app.wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({
      params: { mchid: app.config.wechat.mchid },
      out_trade_no: outTradeNo,
    });
    return res.data;
  }

  async refundStatus(refundNo) {
    const res = await this.ctx.app.wxpay.chain(`/v3/refund/domestic/refunds/${refundNo}`).get();
    return res.data.status;
  }
}

module.exports = OrderService;
