package node_test

import (
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/node"
)

// A path the catalog does not have yet is reached from the nearest node
// with Chain, which takes segments as wechatpay.Client.Chain does.
func ExampleV3PayTransactions_Chain() {
	client := &wechatpay.Client{}
	var transactions node.V3PayTransactions = client.V3().Pay().Transactions()
	fmt.Println(transactions.Chain("outTradeNo/_out_trade_no_/someNewAction"))
	// Output: v3/pay/transactions/out-trade-no/{out_trade_no}/some-new-action
}
