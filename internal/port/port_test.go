package port

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/tempmodule"
)

func TestConvert(t *testing.T) {
	var programs [][]byte // every case as a whole program, to compile
	defer func() {
		if testing.Short() || t.Failed() {
			return
		}
		// What the porter prints compiles, whatever it could not port.
		m := tempmodule.New(t)
		for i, code := range programs {
			m.Write(t, fmt.Sprintf("case%d/main.go", i), code)
		}
		if out, err := m.Go("vet", "./..."); err != nil {
			t.Errorf("the ported programs do not compile: %v\n%s", err, out)
		}
	}()
	for _, tc := range []struct {
		name  string
		src   string
		want  []string // fragments of the code, in order
		diags []string // fragments of the diagnostics, in order
	}{
		{
			name: "PHP property chain with query and headers",
			src: `$resp = $instance->v3->merchantService->complaintsV2->get([
  'query' => ['limit' => 10, 'offset' => 0, 'begin_date' => '2019-01-01'],
  'headers' => ['Wechatpay-Serial' => 'PUB_KEY_ID_0114232134912410000000000000'],
]);
echo $resp->getStatusCode();`,
			want: []string{
				`resp, err := client.V3().MerchantService().ComplaintsV2().Get(ctx, wechatpay.M{`,
				`"query": wechatpay.M{`, `"limit":      10,`, `"begin_date": "2019-01-01",`,
				`"headers": wechatpay.M{`,
				"fmt.Println(resp.StatusCode)",
			},
		},
		{
			name: "a path the catalog does not have",
			src:  `$instance->v3->someNew->thingV2->_thing_id_->post(['thing_id' => 'x', 'json' => ['a' => [1, 2], 'b' => ['x', 'y'], 'c' => []]]);`,
			want: []string{
				`resp, err := client.Chain("v3/some-new/thing-v2/{thing_id}").Post(ctx, wechatpay.M{`,
				`"thing_id": "x",`, `"a": []any{`, `"b": []string{`, `"c": []any{},`, "_ = resp",
			},
		},
		{
			name:  "a method the catalog does not list",
			src:   `$instance->v3->pay->transactions->native->get();`,
			want:  []string{`client.Chain("v3/pay/transactions/native").Get(ctx)`},
			diags: []string{"line 1: the catalog has no GET v3/pay/transactions/native; sent through Client.Chain"},
		},
		{
			name: "catalog capitals, trailing slash, keywords",
			src: `$instance->v2->secapi->mch->addInstitutionsub->post(['security' => true, 'xml' => ['sub_mch_id' => '1']]);
$instance->chain('/v3/applyment4sub/applyment/')->post(['json' => ['business_code' => 'x']]);
$instance->v3->applyment4sub->applyment->_empty_->post(['json' => ['business_code' => 'x']]);
$instance->v3->marketing->busifavor->coupons->return->post(['json' => []]);`,
			want: []string{
				`resp, err := client.V2().Secapi().Mch().AddInstitutionsub().Post(ctx, wechatpay.M{`,
				`resp2, err2 := client.V3().Applyment4sub().Applyment().Empty_().Post(ctx, wechatpay.M{`,
				`resp3, err3 := client.V3().Applyment4sub().Applyment().Empty_().Post(ctx, wechatpay.M{`,
				`resp4, err4 := client.V3().Marketing().Busifavor().Coupons().Return().Post(ctx, wechatpay.M{`,
			},
		},
		{
			name: "unknown options and constructs are reported",
			src: `$instance->v3->pay->transactions->native->post([
  'json' => ['amount' => ['total' => fn() => 1]],
  'timeout' => 3,
])->then(function ($r) { doSomething($r); })->otherwise(function ($e) { echo $e; })->wait();`,
			want: []string{
				"// port: line 2: a function is not ported",
				`// port: line 3: option "timeout"`,
				"// port: line 4: this statement is not ported",
				"// port: line 4: the rejection callback is not ported",
				`"total": nil,`,
			},
			diags: []string{
				"line 2: a function is not ported",
				`line 3: option "timeout" is neither a variable of v3/pay/transactions/native nor an option of this client`,
				"line 4: this statement is not ported",
				"line 4: the rejection callback is not ported",
			},
		},
		{
			name: "try and catch, echo with PHP_EOL",
			src: `try {
    $resp = $instance->chain('v3/pay/transactions/native')->post(['json' => ['mchid' => '1230000109', 'sep' => PHP_EOL]]);
    echo $resp->getStatusCode(), PHP_EOL;
    echo $resp->getBody(), PHP_EOL, PHP_EOL;
} catch (\Exception $e) {
    echo $e->getMessage(), PHP_EOL;
}`,
			want: []string{
				"// port: line 5: the catch block is not ported: an error ends the program (log.Fatal)",
				`"sep":   "\n",`,
				"fmt.Println(resp.StatusCode)\n",
				"fmt.Println(string(resp.Body))\n",
			},
			diags: []string{"line 5: the catch block is not ported"},
		},
		{
			name: "the then callback's result assigned, and a value read from the XML fields",
			src: `$res = $instance->v3->pay->transactions->native->postAsync(['json' => []])->then(static function($response) {
    return json_decode($response->getBody(), true);
})->wait();
print_r($res);
$r = $instance->v2->pay->orderquery->post(['xml' => ['appid' => 'wx1']]);
$a = \WeChatPay\Transformer::toArray((string) $r->getBody());
print_r($a['trade_state']);`,
			want: []string{
				"fmt.Println(string(resp.Body))\n\n// PHP, line 5",
				"fields2 := resp2.Fields\nfmt.Println(fields2[\"trade_state\"])\n",
			},
		},
		{
			name: "a result that nothing uses",
			src: `$res = $instance->v3->pay->transactions->native->postAsync(['json' => []])->then(function($r) { return $r->getStatusCode(); })->wait();
$r = $instance->v2->pay->orderquery->post(['xml' => []]);
$a = \WeChatPay\Transformer::toArray((string) $r->getBody());`,
			want: []string{"}\n_ = resp\n", "fields2 := resp2.Fields\n_ = fields2\n"},
		},
		{
			name: "sensitive fields through an encryptor closure (the PHP README)",
			src: `$encryptor = static function(string $msg) use ($platformPublicKeyInstance): string {
    return Rsa::encrypt($msg, $platformPublicKeyInstance);
};
$resp = $instance->chain('v3/applyment4sub/applyment/')->post([
    'json' => ['contact_info' => ['contact_name' => $encryptor('张三'), 'mobile_phone' => $encryptor($phone)]],
    'headers' => ['Wechatpay-Serial' => $platformCertificateSerial],
]);`,
			want: []string{
				`platformPublicKeyInstance, err := keys.PublicKey("/path/to/pub_key.pem") // TODO: the WeChat Pay public key (platformPublicKeyInstance in the source): a path or the PEM text`,
				"encrypt := func(text string) string {", "sensitive.Encrypt(platformPublicKeyInstance, text)",
				`phone := ""`,
				`"contact_name": encrypt("张三"),`, `"mobile_phone": encrypt(phone),`,
				`"Wechatpay-Serial": platformCertificateSerial,`,
			},
		},
		{
			name: "sensitive fields with Rsa.encrypt (Node) and \\WeChatPay\\Crypto\\Rsa::encrypt (PHP)",
			src: `wxpay.v3.applyment4sub.applyment._empty_.post({ contact_info: { contact_name: Rsa.encrypt('张三', platformPublicKey) } });
$instance->v3->applyment4sub->applyment->_empty_->post(['json' => ['id_card_name' => \WeChatPay\Crypto\Rsa::encrypt('李四', $otherKey)]]);`,
			want: []string{
				`platformPublicKey, err := keys.PublicKey(`,
				`"contact_name": encrypt("张三"),`,
				`"id_card_name": encrypt("李四"),`,
			},
			diags: []string{"line 2: encryption with another key than platformPublicKey is ported as encryption with platformPublicKey"},
		},
		{
			name: "Formatter nonce and timestamp, PHP and Node",
			src: `$instance->v2->pay->micropay->post(['xml' => ['nonce_str' => \WeChatPay\Formatter::nonce(), 'time_start' => Formatter::timestamp()]]);
wxpay.v2.pay.micropay({ nonce_str: Formatter.nonce(), sign_type: 'HMAC-SHA256' });`,
			want: []string{`"nonce_str":  signer.Nonce(),`, `"time_start": time.Now().Unix(),`, `"nonce_str": signer.Nonce(),`},
		},
		{
			name: "an upload through MediaUtil (the PHP README)",
			src: `$media = new \WeChatPay\Util\MediaUtil('/your/file/path/with.extension');
$resp = $instance->v3->marketing->favor->media->imageUpload->post([
    'body'    => $media->getStream(),
    'headers' => ['Content-Type' => $media->getContentType()],
]);
$video = new MediaUtil($path);
$instance->chain('v3/merchant/media/video_upload')->post(['body' => $video->getStream(), 'headers' => ['Content-Type' => $video->getContentType(), 'X-Trace' => 'a']]);`,
			want: []string{
				`path := ""`,
				"resp, err := client.V3().Marketing().Favor().Media().ImageUpload().Post(ctx, wechatpay.M{\n\t\"body\": media.FromFile(\"/your/file/path/with.extension\"),\n})",
				`"body": media.FromFile(path),`, `"X-Trace": "a",`,
			},
		},
		{
			name: "PHP free variables and base_uri",
			src:  `$instance['v3/refund/domestic/refunds/{out_refund_no}']->get(['out_refund_no' => $outRefundNo, 'base_uri' => 'https://api2.mch.weixin.qq.com/']);`,
			want: []string{
				`outRefundNo := "" // TODO: set outRefundNo`,
				`client.V3().Refund().Domestic().Refunds().OutRefundNo_().Get(ctx, wechatpay.M{`,
				`"out_refund_no": outRefundNo,`, `"base_uri":      "https://api2.mch.weixin.qq.com/",`,
			},
		},
		{
			name: "Node get with params, headers and a response object",
			src: `wxpay.v3.pay.transactions.id._transaction_id_.get({ params: { mchid }, transaction_id: '4200000985202103031441826014' })
.then(res => console.log(res.status, res.data.trade_state, res.headers['request-id']))
.catch(console.error)`,
			want: []string{
				`mchid := "" // TODO: set mchid`,
				`resp, err := client.V3().Pay().Transactions().Id().TransactionId_().Get(ctx, wechatpay.M{`,
				`"transaction_id": "4200000985202103031441826014",`, `"query": wechatpay.M{`, `"mchid": mchid,`,
				`fmt.Println(resp.StatusCode, resp.Get("trade_state").String(), resp.Header.Get("request-id"))`,
			},
			diags: []string{"line 3: the rejection callback is not ported"},
		},
		{
			name: "Node await and destructuring",
			src:  "const { data: { code_url } } = await wxpay.v3.pay.transactions.native.post({ appid: 'wx', amount: { total: 1 } });\nconsole.log(code_url);",
			want: []string{
				`resp, err := client.V3().Pay().Transactions().Native().Post(ctx, wechatpay.M{`,
				`"json": wechatpay.M{`, `"amount": wechatpay.M{`, `"total": 1,`,
				`fmt.Println(resp.Get("code_url").String())`,
			},
		},
		{
			name: "Node v2 data is xml",
			src:  "wxpay.v2.pay.micropay({ appid: 'wx', auth_code: '120061098828009406' }, { security: false }).then(({ data }) => data)",
			want: []string{
				`client.V2().Pay().Micropay().Post(ctx, wechatpay.M{`, `"xml": wechatpay.M{`, `"security": false,`,
				"fmt.Println(string(resp.Body))",
			},
		},
		{
			name: "receivers that are properties, static properties and method calls",
			src: `$r = $this->app->v3->certificates->get();
self::$instanceV3->chain('/v3/transfer/batches')->post(['json' => ['total_num' => 1]]);
return $this->getClient()->chain('v3/bill/tradebill')->get(['query' => ['bill_date' => '2024-01-01']]);
const res = await this.wxpay.v3.pay.transactions.native.post({ mchid: '1' })
return this.pay.client().chain('/v3/bill/fundflowbill').get()`,
			want: []string{
				"resp, err := client.V3().Certificates().Get(ctx)",
				"resp2, err2 := client.V3().Transfer().Batches().Post(ctx",
				"resp3, err3 := client.V3().Bill().Tradebill().Get(ctx",
				"resp4, err4 := client.V3().Pay().Transactions().Native().Post(ctx",
				"resp5, err5 := client.V3().Bill().Fundflowbill().Get(ctx)",
			},
		},
		{
			name: "a verb followed by calls on its result, and a chain in an arrow function",
			src: `$body = $this->app->v3->pay->transactions->id->_transaction_id_->get(['transaction_id' => '42'])->getBody()->getContents();
$data = json_decode($body, true);
echo $data['trade_state'];
$r = retry(3, fn() => $this->app->v3->pay->transactions->native->post(['json' => ['mchid' => '1']]), 100);`,
			want: []string{
				"fmt.Println(resp.Get(\"trade_state\").String())",
				"// port: line 4: the call is an argument of a call",
				"resp2, err2 := client.V3().Pay().Transactions().Native().Post(ctx",
			},
			diags: []string{"line 4: the call is an argument of a call"},
		},
		{
			name:  "an unreadable chain is reported",
			src:   "text\n$instance->v3->pay->transactions->native->post([\n  'json' => [\n",
			diags: []string{"line 2: cannot read this chain call"},
		},
		{
			name: "Node variables that clash with Go names",
			src:  "wxpay.v3.x.post({ type, ctx, resp })",
			want: []string{`typeValue := ""`, `ctxValue := ""`, `respValue := ""`, `"type": typeValue,`},
		},
	} {
		if prog, err := Convert([]byte(tc.src), Options{Main: true}); err == nil {
			programs = append(programs, prog.Code)
		}
		t.Run(tc.name, func(t *testing.T) {
			res, err := Convert([]byte(tc.src), Options{})
			if err != nil && !(errors.Is(err, ErrNoSnippet) && len(tc.want) == 0) {
				t.Fatal(err)
			}
			code := string(res.Code)
			rest := code
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("code lacks %q (in order):\n%s", w, code)
				}
				rest = rest[i+len(w):]
			}
			var got []string
			for _, d := range res.Diagnostics {
				got = append(got, d.String())
			}
			if len(got) != len(tc.diags) {
				t.Fatalf("diagnostics %q, want %q\n%s", got, tc.diags, code)
			}
			for i, d := range tc.diags {
				if !strings.Contains(got[i], d) {
					t.Errorf("diagnostic %q, want %q", got[i], d)
				}
			}
		})
	}
}

func TestConvertEmitsValidGoAndImports(t *testing.T) {
	res, err := Convert([]byte(`$instance->v3->certificates->get();`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "// imports: \"log\"\nresp, err := client.V3().Certificates().Get(ctx)\nif err != nil {\n\tlog.Fatal(err)\n}\n_ = resp\n"
	if got := strings.ReplaceAll(string(res.Code), "// PHP, line 1\n", ""); got != want {
		t.Errorf("code:\n%s\nwant:\n%s", got, want)
	}
	if strings.Join(res.Imports, " ") != "log" {
		t.Errorf("imports %v", res.Imports)
	}
}

func TestVarsGiveValues(t *testing.T) {
	res, err := Convert([]byte("wxpay.v3.x.post({ a, b, c, d })"), Options{Vars: map[string]any{
		"a": "s", "b": 1.0, "c": []any{map[string]any{"k": "v"}}, "d": map[string]any{"z": true, "y": nil},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`a := "s"`, "b := 1\n", "c := []wechatpay.M{\n\t{\n\t\t\"k\": \"v\",", `"y": nil,`} {
		if !strings.Contains(string(res.Code), w) {
			t.Errorf("code lacks %q:\n%s", w, res.Code)
		}
	}
}

// The porter's normalization is the client's: the typed chain it picks
// has the template the PHP chain names.
func TestTemplate(t *testing.T) {
	var c converter
	for in, want := range map[string]string{
		"merchantService":   "merchant-service",
		"complaintsV2":      "complaints-v2",
		"OutTradeNo":        "out-trade-no",
		"_out_trade_no_":    "{out_trade_no}",
		"_openId_":          "{openId}",
		"{openId}":          "{openId}",
		"_empty_":           "",
		"addInstitutionsub": "addInstitutionsub",
		"applyment_id":      "applyment_id",
	} {
		if got := c.template([]string{"v3", in}); got != "v3/"+want {
			t.Errorf("template(v3, %q) = %q, want %q", in, got, "v3/"+want)
		}
	}
}

func TestNoSnippet(t *testing.T) {
	if _, err := Convert([]byte("# a page\n\nNothing to see: $x = 1; wxpay is great."), Options{}); !errors.Is(err, ErrNoSnippet) {
		t.Errorf("error %v", err)
	}
}

// A free variable inside an expression that is not ported is not
// declared either: unused, it would not compile.
func TestUnportedExpressionsDeclareNothing(t *testing.T) {
	res, err := Convert([]byte("wxpay.v3.x.get().then(res => console.log(x + foo(), res.status))"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.Code), "x :=") || len(res.Diagnostics) != 1 {
		t.Errorf("diagnostics %v\n%s", res.Diagnostics, res.Code)
	}
}

// Variables assigned a literal above their snippet get that value; other
// assignments, comparisons, later assignments and Options.Vars are not
// mistaken for one.
func TestLiteralAssignments(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		vars map[string]any
		want []string // lines of the declarations
	}{
		{
			name: "PHP",
			src: `$outTradeNo = '1217752501201407033233368018';
$total = -1_00; $ok = true; $none = null; $cn = "\u{4e2d}\n";
$mchid = getenv('MCHID');
$appid == 'not an assignment';
$instance->v3->x->post(['json' => ['out_trade_no' => $outTradeNo, 'total' => $total, 'ok' => $ok, 'none' => $none, 'cn' => $cn, 'mchid' => $mchid, 'appid' => $appid, 'later' => $later]]);
$later = 'too late';`,
			want: []string{
				`outTradeNo := "1217752501201407033233368018" // line 1`,
				`total := -100 // line 2`,
				`ok := true // line 2`,
				`none := nil // line 2`,
				`cn := "中\n" // line 2`,
				`mchid := "" // TODO: set mchid`,
				`appid := "" // TODO: set appid`,
				`later := "" // TODO: set later`,
			},
		},
		{
			name: "Node, with and without semicolons, the last before the snippet",
			src: "let appid = 'first'\nconst appid = `wxd678efh567hg6787`\nvar n = 3.5;\nconst m = 1 + 2\n" +
				"wxpay.v3.x.post({ appid, n, m })\nwxpay.v3.y.post({ appid })",
			want: []string{`appid := "wxd678efh567hg6787" // line 2`, `n := 3.5 // line 3`, `m := "" // TODO: set m`},
		},
		{
			name: "Node, several declarators",
			src:  "const appid = 'wx1', mchid = '1230000109', n = 1 + 2, m = 3;\nwxpay.v3.x.post({ appid, mchid, n, m })",
			want: []string{`appid := "wx1" // line 1`, `mchid := "1230000109" // line 1`, `n := "" // TODO: set n`, `m := "" // TODO: set m`},
		},
		{
			name: "Options.Vars first",
			src:  "const appid = 'wx1'\nwxpay.v3.x.post({ appid })",
			vars: map[string]any{"appid": "wx2"},
			want: []string{`appid := "wx2"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Convert([]byte(tc.src), Options{Vars: tc.vars})
			if err != nil {
				t.Fatal(err)
			}
			var decls []string
			for _, line := range strings.Split(string(res.Code), "\n") {
				if strings.Contains(line, " := ") && !strings.Contains(line, "err") {
					decls = append(decls, strings.Join(strings.Fields(line), " "))
				}
			}
			if strings.Join(decls, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("declarations\n%s\nwant\n%s\ncode:\n%s", strings.Join(decls, "\n"), strings.Join(tc.want, "\n"), res.Code)
			}
		})
	}
}
