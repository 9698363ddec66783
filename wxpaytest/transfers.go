package wxpaytest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay/sensitive"
)

// Transfers to users' WeChat balance (商家转账), APIv3:
//
//	POST /v3/fund-app/mch-transfer/transfer-bills            200 the bill, WAIT_USER_CONFIRM, with package_info
//	GET  /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}
//	GET  /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}
//	                                                         200 the bill
//	POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel
//	                                                         200 CANCELING
//	POST /v3/transfer/batches                                200 the batch, ACCEPTED
//	GET  /v3/transfer/batches/out-batch-no/{out_batch_no}, /v3/transfer/batches/batch-id/{batch_id}
//	                                                         200 the batch (and its details with need_query_detail)
//	GET  /v3/transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no},
//	     /v3/transfer/batches/batch-id/{batch_id}/details/detail-id/{detail_id}
//	                                                         200 the detail
//
// A transfer bill waits for its payee to confirm (WAIT_USER_CONFIRM) and
// a cancelled one in CANCELING until CompleteTransfer (wxpay serve:
// "transfer OUT_BILL_NO ok|fail|cancel") ends it SUCCESS, FAIL or
// CANCELLED and sends MCHTRANSFER.BILL.FINISHED to its notify_url. A batch
// stays ACCEPTED, its details PROCESSING, until CompleteTransferBatch
// ends it FINISHED (its details SUCCESS but those named FAIL) or CLOSED
// and sends MCHTRANSFER.BATCH.FINISHED to its notify_url. A user_name is
// encrypted with the key Wechatpay-Serial names, and required from 2,000
// yuan; the queries answer it encrypted for the merchant's key
// (sensitive.Decrypt with MerchantKey opens it).

// transferBook holds the transfers; Server.mu guards it.
type transferBook struct {
	bills   map[string]*transferBill  // by out_bill_no
	batches map[string]*transferBatch // by out_batch_no
	seq     int64
}

type transferBill struct {
	appid, outBillNo, billNo, openID, userName, remark, notifyURL, sceneID string
	amount                                                                 int64
	state, failReason                                                      string
	createTime, updateTime                                                 time.Time
}

type transferBatch struct {
	appid, outBatchNo, batchID, name, remark, sceneID, notifyURL string
	status, closeReason                                          string
	details                                                      []*transferDetail
	createTime, updateTime                                       time.Time
}

type transferDetail struct {
	outDetailNo, detailID, openID, userName, remark string
	amount                                          int64
	status, failReason                              string
	updateTime                                      time.Time
}

// nameRequired is the amount from which a transfer names its payee, in
// fen: 2,000 yuan.
const nameRequired = 200000

var transferScenes = map[string]bool{"1000": true, "1002": true, "1004": true, "1005": true, "1009": true, "1010": true, "1011": true, "1013": true}

// nextTransferID numbers bills, batches and details. The server's mutex
// must be held.
func (s *Server) nextTransferID(prefix string, now time.Time) string {
	s.book.transfers.seq++
	return fmt.Sprintf("%s%s%s%018d", prefix, s.MchID, now.In(chinaTime).Format("20060102"), s.book.transfers.seq)
}

// userName decrypts an optional encrypted user_name, required from
// nameRequired fen.
func (s *Server) userName(c call, raw []byte, field string, amount int64) (string, *Error) {
	enc := gjson.GetBytes(raw, "user_name").String()
	if enc == "" {
		if amount >= nameRequired {
			return "", paramError("%s is required for a transfer of 2,000 yuan or more", field)
		}
		return "", nil
	}
	return s.decryptField(c, field, enc)
}

func (s *Server) createTransferBill(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "appid", "out_bill_no", "openid", "transfer_remark", "transfer_scene_id")
	if err != nil {
		return refuse(err)
	}
	appid, outBillNo, openID, remark, scene := f[0], f[1], f[2], f[3], f[4]
	if err := s.checkAppID(appid, "appid"); err != nil {
		return refuse(err)
	}
	if len(outBillNo) > 32 {
		return refuse(paramError("out_bill_no %q is longer than 32 bytes", outBillNo))
	}
	if !transferScenes[scene] {
		return refuse(paramError("transfer_scene_id %q is not a transfer scene of the merchant", scene))
	}
	infos := gjson.GetBytes(c.body, "transfer_scene_report_infos")
	if !infos.IsArray() || len(infos.Array()) == 0 {
		return refuse(paramError("transfer_scene_report_infos is required, the scene's report items"))
	}
	for i, e := range infos.Array() {
		for _, name := range []string{"info_type", "info_content"} {
			if _, err := stringField([]byte(e.Raw), name, fmt.Sprintf("transfer_scene_report_infos[%d].%s", i, name)); err != nil {
				return refuse(err)
			}
		}
	}
	amount, err := fenField(c.body, "transfer_amount")
	if err != nil {
		return refuse(err)
	}
	name, err := s.userName(c, c.body, "user_name", amount)
	if err != nil {
		return refuse(err)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, dup := s.book.transfers.bills[outBillNo]; dup {
		if b.amount != amount || b.openID != openID {
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("商户单号重复: out_bill_no %q was used for %d fen to %s", outBillNo, b.amount, b.openID))
		}
		return ok(b.created())
	}
	b := &transferBill{
		appid: appid, outBillNo: outBillNo, billNo: s.nextTransferID("1330", now), openID: openID, userName: name,
		remark: remark, notifyURL: gjson.GetBytes(c.body, "notify_url").String(), sceneID: scene, amount: amount,
		state: "WAIT_USER_CONFIRM", createTime: now, updateTime: now,
	}
	if s.book.transfers.bills == nil {
		s.book.transfers.bills = map[string]*transferBill{}
	}
	s.book.transfers.bills[outBillNo] = b
	return ok(b.created())
}

func (b *transferBill) created() any {
	return struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		CreateTime     string `json:"create_time"`
		State          string `json:"state"`
		FailReason     string `json:"fail_reason,omitempty"`
		PackageInfo    string `json:"package_info,omitempty"`
	}{b.outBillNo, b.billNo, rfc3339(b.createTime), b.state, b.failReason, b.packageInfo()}
}

// packageInfo is what the merchant's app opens the payee's confirm page
// with, while the bill waits for it.
func (b *transferBill) packageInfo() string {
	if b.state != "WAIT_USER_CONFIRM" {
		return ""
	}
	return "ABBQO+oYAAABAAAAAAAk+yPZGrAAAAAAAAAAAAAAAAAAAAAA" + b.billNo
}

func (s *Server) queryTransferBill(c call) reply {
	return s.findTransferBill(c.params[0], func(b *transferBill) bool { return b.outBillNo == c.params[0] })
}

func (s *Server) queryTransferBillByNo(c call) reply {
	return s.findTransferBill(c.params[0], func(b *transferBill) bool { return b.billNo == c.params[0] })
}

func (s *Server) findTransferBill(no string, match func(*transferBill) bool) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.book.transfers.bills {
		if match(b) {
			return ok(s.billResource(b))
		}
	}
	return fail(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("记录不存在: no transfer bill %q", no))
}

// billResource is a bill as the queries and its callback show it. The
// server's mutex must be held.
func (s *Server) billResource(b *transferBill) any {
	return struct {
		MchID          string `json:"mch_id"`
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		AppID          string `json:"appid"`
		State          string `json:"state"`
		TransferAmount int64  `json:"transfer_amount"`
		TransferRemark string `json:"transfer_remark"`
		FailReason     string `json:"fail_reason,omitempty"`
		OpenID         string `json:"openid"`
		UserName       string `json:"user_name,omitempty"`
		CreateTime     string `json:"create_time"`
		UpdateTime     string `json:"update_time"`
	}{
		s.MchID, b.outBillNo, b.billNo, b.appid, b.state, b.amount, b.remark, b.failReason, b.openID,
		s.forMerchant(b.userName), rfc3339(b.createTime), rfc3339(b.updateTime),
	}
}

// forMerchant encrypts a name for the merchant's key, as WeChat Pay's
// replies carry one; "" stays "".
func (s *Server) forMerchant(plain string) string {
	if plain == "" {
		return ""
	}
	enc, err := sensitive.Encrypt(&s.MerchantKey.PublicKey, plain)
	if err != nil {
		panic("wxpaytest: encrypting a name for the merchant: " + err.Error())
	}
	return enc
}

func (s *Server) cancelTransferBill(c call) reply {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.book.transfers.bills[c.params[0]]
	switch {
	case b == nil:
		return fail(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("记录不存在: no transfer bill %q", c.params[0]))
	case b.state == "CANCELING" || b.state == "CANCELLED":
	case b.state != "ACCEPTED" && b.state != "WAIT_USER_CONFIRM":
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("转账单状态不允许撤销: transfer bill %q is %s", b.outBillNo, b.state))
	default:
		b.state, b.updateTime = "CANCELING", now
	}
	return ok(struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		UpdateTime     string `json:"update_time"`
	}{b.outBillNo, b.billNo, b.state, rfc3339(b.updateTime)})
}

// CompleteTransfer ends a transfer bill by its out_bill_no: one waiting
// for its payee (WAIT_USER_CONFIRM) with state SUCCESS (the payee took
// the money) or FAIL (fail_reason PAYEE_ACCOUNT_ABNORMAL), one being
// cancelled (CANCELING) with CANCELLED; and sends the
// MCHTRANSFER.BILL.FINISHED callback, the bill as its queries show it, to
// its notify_url. It returns the merchant's reply to the callback, nil if
// the bill has no notify_url.
func (s *Server) CompleteTransfer(ctx context.Context, outBillNo, state string) (*http.Response, error) {
	now := s.now()
	s.mu.Lock()
	b := s.book.transfers.bills[outBillNo]
	var err error
	switch {
	case b == nil:
		err = fmt.Errorf("wxpaytest: CompleteTransfer: no transfer bill %q", outBillNo)
	case b.state == "CANCELING" && state != "CANCELLED":
		err = fmt.Errorf("wxpaytest: CompleteTransfer: transfer bill %q is CANCELING and can only become CANCELLED", outBillNo)
	case (b.state == "WAIT_USER_CONFIRM" || b.state == "ACCEPTED") && state != "SUCCESS" && state != "FAIL":
		err = fmt.Errorf("wxpaytest: CompleteTransfer: state %q is not SUCCESS or FAIL", state)
	case b.state != "CANCELING" && b.state != "WAIT_USER_CONFIRM" && b.state != "ACCEPTED":
		err = fmt.Errorf("wxpaytest: CompleteTransfer: transfer bill %q is %s already", outBillNo, b.state)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	b.state, b.updateTime = state, now
	if state == "FAIL" {
		b.failReason = "PAYEE_ACCOUNT_ABNORMAL"
	}
	target, resource := b.notifyURL, marshal(s.billResource(b))
	s.mu.Unlock()
	if target == "" {
		return nil, nil
	}
	return s.sendCallback(ctx, outBillNo, target, "MCHTRANSFER.BILL.FINISHED", resource)
}

// TransferState returns the state of a transfer bill by its out_bill_no,
// or of a batch by its out_batch_no; "" if there is none.
func (s *Server) TransferState(outNo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.book.transfers.bills[outNo]; ok {
		return b.state
	}
	if b, ok := s.book.transfers.batches[outNo]; ok {
		return b.status
	}
	return ""
}

func (s *Server) createTransferBatch(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "appid", "out_batch_no", "batch_name", "batch_remark", "transfer_scene_id")
	if err != nil {
		return refuse(err)
	}
	if err := s.checkAppID(f[0], "appid"); err != nil {
		return refuse(err)
	}
	totalAmount, err := fenField(c.body, "total_amount")
	if err != nil {
		return refuse(err)
	}
	totalNum, err := fenField(c.body, "total_num")
	if err != nil {
		return refuse(paramError("total_num must be a positive integer"))
	}
	list := gjson.GetBytes(c.body, "transfer_detail_list")
	if !list.IsArray() || len(list.Array()) == 0 || len(list.Array()) > 1000 {
		return refuse(paramError("transfer_detail_list is required, 1 to 1000 details"))
	}
	now := s.now()
	batch := &transferBatch{
		appid: f[0], outBatchNo: f[1], name: f[2], remark: f[3], sceneID: f[4],
		notifyURL: gjson.GetBytes(c.body, "notify_url").String(), status: "ACCEPTED", createTime: now, updateTime: now,
	}
	seen := map[string]bool{}
	var sum int64
	for i, e := range list.Array() {
		raw := []byte(e.Raw)
		var d [3]string
		for j, name := range [...]string{"out_detail_no", "transfer_remark", "openid"} {
			v, err := stringField(raw, name, fmt.Sprintf("transfer_detail_list[%d].%s", i, name))
			if err != nil {
				return refuse(err)
			}
			d[j] = v
		}
		if seen[d[0]] {
			return refuse(paramError("transfer_detail_list[%d].out_detail_no %q appears twice in the batch", i, d[0]))
		}
		seen[d[0]] = true
		amount, err := fenField(raw, "transfer_amount")
		if err != nil {
			return refuse(paramError("transfer_detail_list[%d].%s", i, err.Message))
		}
		name, err := s.userName(c, raw, fmt.Sprintf("transfer_detail_list[%d].user_name", i), amount)
		if err != nil {
			return refuse(err)
		}
		sum += amount
		batch.details = append(batch.details, &transferDetail{
			outDetailNo: d[0], remark: d[1], openID: d[2], userName: name, amount: amount, status: "PROCESSING", updateTime: now,
		})
	}
	switch {
	case sum != totalAmount:
		return refuse(paramError("total_amount %d is not the sum of the details' transfer_amount, %d", totalAmount, sum))
	case int(totalNum) != len(batch.details):
		return refuse(paramError("total_num %d is not the number of details, %d", totalNum, len(batch.details)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, dup := s.book.transfers.batches[batch.outBatchNo]; dup {
		if old.total() != totalAmount || len(old.details) != len(batch.details) {
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("商户批次单号重复: out_batch_no %q was used for another batch", batch.outBatchNo))
		}
		return ok(old.created())
	}
	batch.batchID = s.nextTransferID("1030", now)
	for _, d := range batch.details {
		d.detailID = s.nextTransferID("1040", now)
	}
	if s.book.transfers.batches == nil {
		s.book.transfers.batches = map[string]*transferBatch{}
	}
	s.book.transfers.batches[batch.outBatchNo] = batch
	return ok(batch.created())
}

func (b *transferBatch) total() (sum int64) {
	for _, d := range b.details {
		sum += d.amount
	}
	return sum
}

func (b *transferBatch) has(outDetailNo string) bool {
	for _, d := range b.details {
		if d.outDetailNo == outDetailNo {
			return true
		}
	}
	return false
}

func (b *transferBatch) created() any {
	return struct {
		OutBatchNo  string `json:"out_batch_no"`
		BatchID     string `json:"batch_id"`
		CreateTime  string `json:"create_time"`
		BatchStatus string `json:"batch_status"`
	}{b.outBatchNo, b.batchID, rfc3339(b.createTime), b.status}
}

func (s *Server) queryTransferBatch(c call) reply {
	return s.findBatch(c, func(b *transferBatch) bool { return b.outBatchNo == c.params[0] })
}

func (s *Server) queryTransferBatchByID(c call) reply {
	return s.findBatch(c, func(b *transferBatch) bool { return b.batchID == c.params[0] })
}

func (s *Server) findBatch(c call, match func(*transferBatch) bool) reply {
	need := c.query.Get("need_query_detail")
	if need != "true" && need != "false" {
		return refuse(paramError("query parameter need_query_detail is required, true or false"))
	}
	offset, limit := 0, 20
	for name, p := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := c.query.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (name == "limit" && (n < 1 || n > 100)) {
				return refuse(paramError("query parameter %s %q is out of range", name, v))
			}
			*p = n
		}
	}
	status := c.query.Get("detail_status")
	switch status {
	case "", "ALL", "SUCCESS", "FAIL":
	default:
		return refuse(paramError("query parameter detail_status %q is not ALL, SUCCESS or FAIL", status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var b *transferBatch
	for _, have := range s.book.transfers.batches {
		if match(have) {
			b = have
		}
	}
	if b == nil {
		return fail(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("记录不存在: no transfer batch %q", c.params[0]))
	}
	return ok(b.resource(need == "true", status, offset, limit, s.MchID))
}

// batchSummary is a batch as its queries show it.
type batchSummary struct {
	MchID           string `json:"mchid"`
	OutBatchNo      string `json:"out_batch_no"`
	BatchID         string `json:"batch_id"`
	AppID           string `json:"appid"`
	BatchStatus     string `json:"batch_status"`
	BatchType       string `json:"batch_type"`
	BatchName       string `json:"batch_name"`
	BatchRemark     string `json:"batch_remark"`
	CloseReason     string `json:"close_reason,omitempty"`
	TotalAmount     int64  `json:"total_amount"`
	TotalNum        int    `json:"total_num"`
	CreateTime      string `json:"create_time"`
	UpdateTime      string `json:"update_time"`
	SuccessAmount   int64  `json:"success_amount"`
	SuccessNum      int    `json:"success_num"`
	FailAmount      int64  `json:"fail_amount"`
	FailNum         int    `json:"fail_num"`
	TransferSceneID string `json:"transfer_scene_id"`
}

func (b *transferBatch) summary(mchid string) batchSummary {
	tb := batchSummary{
		MchID: mchid, OutBatchNo: b.outBatchNo, BatchID: b.batchID, AppID: b.appid, BatchStatus: b.status,
		BatchType: "API", BatchName: b.name, BatchRemark: b.remark, CloseReason: b.closeReason,
		TotalAmount: b.total(), TotalNum: len(b.details), CreateTime: rfc3339(b.createTime),
		UpdateTime: rfc3339(b.updateTime), TransferSceneID: b.sceneID,
	}
	for _, d := range b.details {
		switch d.status {
		case "SUCCESS":
			tb.SuccessAmount += d.amount
			tb.SuccessNum++
		case "FAIL":
			tb.FailAmount += d.amount
			tb.FailNum++
		}
	}
	return tb
}

func (b *transferBatch) resource(details bool, status string, offset, limit int, mchid string) any {
	type detail struct {
		DetailID     string `json:"detail_id"`
		OutDetailNo  string `json:"out_detail_no"`
		DetailStatus string `json:"detail_status"`
	}
	tb := b.summary(mchid)
	var list []detail
	for _, d := range b.details {
		if status == "" || status == "ALL" || status == d.status {
			list = append(list, detail{d.detailID, d.outDetailNo, d.status})
		}
	}
	if !details {
		return struct {
			TransferBatch batchSummary `json:"transfer_batch"`
		}{tb}
	}
	list = list[min(offset, len(list)):]
	list = list[:min(limit, len(list))]
	if list == nil {
		list = []detail{}
	}
	return struct {
		Offset             int          `json:"offset"`
		Limit              int          `json:"limit"`
		TransferBatch      batchSummary `json:"transfer_batch"`
		TransferDetailList []detail     `json:"transfer_detail_list"`
	}{offset, limit, tb, list}
}

func (s *Server) queryTransferDetail(c call) reply {
	return s.findDetail(c, func(b *transferBatch, d *transferDetail) bool {
		return b.outBatchNo == c.params[0] && d.outDetailNo == c.params[1]
	})
}

func (s *Server) queryTransferDetailByID(c call) reply {
	return s.findDetail(c, func(b *transferBatch, d *transferDetail) bool {
		return b.batchID == c.params[0] && d.detailID == c.params[1]
	})
}

func (s *Server) findDetail(c call, match func(*transferBatch, *transferDetail) bool) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.book.transfers.batches {
		for _, d := range b.details {
			if !match(b, d) {
				continue
			}
			return ok(struct {
				MchID          string `json:"mchid"`
				OutBatchNo     string `json:"out_batch_no"`
				BatchID        string `json:"batch_id"`
				AppID          string `json:"appid"`
				OutDetailNo    string `json:"out_detail_no"`
				DetailID       string `json:"detail_id"`
				DetailStatus   string `json:"detail_status"`
				TransferAmount int64  `json:"transfer_amount"`
				TransferRemark string `json:"transfer_remark"`
				FailReason     string `json:"fail_reason,omitempty"`
				OpenID         string `json:"openid"`
				UserName       string `json:"user_name,omitempty"`
				InitiateTime   string `json:"initiate_time"`
				UpdateTime     string `json:"update_time"`
			}{
				s.MchID, b.outBatchNo, b.batchID, b.appid, d.outDetailNo, d.detailID, d.status, d.amount, d.remark,
				d.failReason, d.openID, s.forMerchant(d.userName), rfc3339(b.createTime), rfc3339(d.updateTime),
			})
		}
	}
	return fail(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("记录不存在: no transfer detail %q of batch %q", c.params[1], c.params[0]))
}

// CompleteTransferBatch ends an ACCEPTED batch by its out_batch_no: with
// status FINISHED its details are paid (SUCCESS) but those whose
// out_detail_no is in failed (FAIL, fail_reason ACCOUNT_FROZEN); with
// CLOSED none is (close_reason OVERDUE_CLOSE). It sends the
// MCHTRANSFER.BATCH.FINISHED callback to the batch's notify_url and
// returns the merchant's reply, nil if the batch has no notify_url.
func (s *Server) CompleteTransferBatch(ctx context.Context, outBatchNo, status string, failed ...string) (*http.Response, error) {
	if status != "FINISHED" && status != "CLOSED" {
		return nil, fmt.Errorf("wxpaytest: CompleteTransferBatch: status %q is not FINISHED or CLOSED", status)
	}
	now := s.now()
	s.mu.Lock()
	b := s.book.transfers.batches[outBatchNo]
	switch {
	case b == nil:
		s.mu.Unlock()
		return nil, fmt.Errorf("wxpaytest: CompleteTransferBatch: no transfer batch %q", outBatchNo)
	case b.status != "ACCEPTED" && b.status != "PROCESSING":
		s.mu.Unlock()
		return nil, fmt.Errorf("wxpaytest: CompleteTransferBatch: transfer batch %q is %s already", outBatchNo, b.status)
	}
	fails := map[string]bool{}
	for _, no := range failed {
		fails[no] = true
	}
	for no := range fails {
		if !b.has(no) {
			s.mu.Unlock()
			return nil, fmt.Errorf("wxpaytest: CompleteTransferBatch: %q is not a detail of batch %q", no, outBatchNo)
		}
	}
	for _, d := range b.details {
		d.status, d.updateTime = "SUCCESS", now
		if status == "CLOSED" || fails[d.outDetailNo] {
			d.status, d.failReason = "FAIL", "ACCOUNT_FROZEN"
		}
	}
	if status == "CLOSED" {
		b.closeReason = "OVERDUE_CLOSE"
	}
	b.status, b.updateTime = status, now
	tb := b.summary(s.MchID)
	resource := marshal(struct {
		MchID         string `json:"mchid"`
		OutBatchNo    string `json:"out_batch_no"`
		BatchID       string `json:"batch_id"`
		BatchStatus   string `json:"batch_status"`
		TotalNum      int    `json:"total_num"`
		TotalAmount   int64  `json:"total_amount"`
		SuccessAmount int64  `json:"success_amount"`
		SuccessNum    int    `json:"success_num"`
		FailAmount    int64  `json:"fail_amount"`
		FailNum       int    `json:"fail_num"`
		CloseReason   string `json:"close_reason,omitempty"`
		UpdateTime    string `json:"update_time"`
	}{tb.MchID, tb.OutBatchNo, tb.BatchID, tb.BatchStatus, tb.TotalNum, tb.TotalAmount, tb.SuccessAmount, tb.SuccessNum,
		tb.FailAmount, tb.FailNum, tb.CloseReason, tb.UpdateTime})
	target := b.notifyURL
	s.mu.Unlock()
	if target == "" {
		return nil, nil
	}
	return s.sendCallback(ctx, outBatchNo, target, "MCHTRANSFER.BATCH.FINISHED", resource)
}
