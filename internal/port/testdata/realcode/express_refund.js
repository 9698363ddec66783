const express = require('express');
const router = express.Router();

router.post('/refund/:orderId', async (req, res) => {
  const order = await Order.findById(req.params.orderId);
  const { data } = await req.app.locals.wxpay.v3.refund.domestic.refunds.post({
    out_trade_no: order.outTradeNo,
    out_refund_no: `RF${order.id}${Date.now()}`,
    reason: req.body.reason || '用户申请退款',
    notify_url: process.env.NOTIFY_BASE + '/refund/notify',
    amount: {
      refund: Math.round(order.refundYuan * 100),
      total: order.totalFen,
      currency: 'CNY',
    },
  });
  res.json(data);
});

module.exports = router;
