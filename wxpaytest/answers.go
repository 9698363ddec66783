package wxpaytest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/schema"
)

// Generated answers: every catalog operation the server does not emulate
// by hand (and no Handle replaces) is answered from answers.json, one
// reply per operation built by internal/schema/gen from the examples of
// the OpenAPI description and valid against its reply schema. The reply
// carries the request's own identifiers where the answer has a field of
// the same name (out_trade_no, mchid, sub_mchid, appid, out_refund_no, a
// path parameter, ...), so that a client reading back what it sent finds
// it. It keeps no state: a query answers the example, whatever was
// created before.

//go:embed answers.json
var answersData []byte

// answer is one line of answers.json.
type answer struct {
	Op     string            `json:"op"`
	Status int               `json:"status"`
	Body   json.RawMessage   `json:"body"`
	Fields map[string]string `json:"fields"`
}

// answers are the lines of answers.json by operation key, decoded as they
// are first used.
var answers = sync.OnceValue(func() map[string][]byte {
	m := make(map[string][]byte, 1200)
	for line := range bytes.Lines(answersData) {
		// Each line starts {"op":"KEY",; the header line's KEY is empty.
		rest, ok := bytes.CutPrefix(line, []byte(`{"op":"`))
		i := bytes.IndexByte(rest, '"')
		if !ok || i <= 0 {
			continue
		}
		m[string(rest[:i])] = bytes.TrimSuffix(line, []byte("\n"))
	}
	return m
})

// lookupAnswer returns the generated answer of an operation key, nil if
// there is none.
func lookupAnswer(key string) *answer {
	line := answers()[key]
	if line == nil {
		return nil
	}
	a := new(answer)
	if err := json.Unmarshal(line, a); err != nil {
		panic("wxpaytest: answers.json: " + key + ": " + err.Error()) // checked by the tests
	}
	return a
}

// answerRoute is the route of an APIv3 request to a catalog operation
// that has no endpoint of its own: it answers from answers.json.
func (s *Server) answerRoute(r *http.Request) (*route, call, bool) {
	rawPath, _, _ := strings.Cut(r.RequestURI, "?")
	ep, ok := catalog.Lookup(r.Method, strings.TrimPrefix(rawPath, "/"))
	if !ok || ep.Method != r.Method || ep.Protocol == "v2" {
		return nil, call{}, false
	}
	a := lookupAnswer(ep.Method + " " + ep.Path)
	if a == nil {
		return nil, call{}, false
	}
	// A path that ends in "/" (v3/applyment4sub/applyment/) is matched
	// without it: an empty last segment would read as a parameter.
	rt := route{method: ep.Method, pattern: split(strings.TrimSuffix(ep.Path, "/")), handle: func(s *Server, c call) reply {
		return s.generated(ep, a, c)
	}}
	target := r.RequestURI
	if strings.HasSuffix(ep.Path, "/") {
		p, q, hasQuery := strings.Cut(target, "?")
		target = strings.TrimSuffix(p, "/")
		if hasQuery {
			target += "?" + q
		}
	}
	found, c, err := matchIn([]route{rt}, r.Method, target)
	if err != nil {
		return nil, call{}, false
	}
	return found, c, true
}

// generated makes the reply of an APIv3 operation from its answer.
func (s *Server) generated(ep catalog.Endpoint, a *answer, c call) reply {
	status := a.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusNoContent || len(a.Body) == 0 {
		return reply{status: status}
	}
	ids := requestIDs(ep, c.params, c.query, c.body)
	var reply0 *schema.Node
	if op := schema.Find(ep.Method, ep.Path); op != nil {
		reply0 = op.Reply
	}
	body := fillJSON(a.Body, reply0, ids)
	if !ep.SignedResponse {
		return reply{status: status, file: &fileReply{encrypted: body}}
	}
	return reply{status: status, body: body}
}

// requestIDs collects the identifiers of a request by name: its path
// parameters, its query and the string members at the top of its JSON
// body, and those one level down (the payer's openid, an amount's
// currency stay out: only names of identifiers are kept).
func requestIDs(ep catalog.Endpoint, params []string, query url.Values, body []byte) map[string]string {
	ids := map[string]string{}
	names := placeholders(ep.Path)
	for i, v := range params {
		if i < len(names) {
			ids[names[i]] = v
		}
	}
	for k, vs := range query {
		if len(vs) > 0 && isIdentifier(k) {
			ids[k] = vs[0]
		}
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) == nil {
		for k, raw := range top {
			var v string
			if isIdentifier(k) && json.Unmarshal(raw, &v) == nil && v != "" {
				if _, set := ids[k]; !set {
					ids[k] = v
				}
			}
		}
	}
	return ids
}

// placeholders returns the {names} of a catalog path, in order.
func placeholders(path string) []string {
	var names []string
	for _, seg := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			names = append(names, strings.TrimSuffix(name, "}"))
		}
	}
	return names
}

// isIdentifier reports whether a field name is one of an identifier that
// a reply echoes: a merchant, an app, an order, a refund, a batch.
func isIdentifier(name string) bool {
	switch {
	case strings.HasSuffix(name, "mchid"), strings.HasSuffix(name, "mch_id"),
		strings.HasSuffix(name, "appid"), strings.HasSuffix(name, "_no"),
		strings.HasSuffix(name, "_id"), name == "openid", name == "sub_openid":
		return true
	}
	return false
}

// fillJSON puts the request's identifiers into an answer: a string member
// of any object whose name is one of ids takes its value, where that value
// passes the member's schema (its maxLength, its enum).
func fillJSON(body json.RawMessage, node *schema.Node, ids map[string]string) []byte {
	if len(ids) == 0 {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return body
	}
	return marshal(fillValue(v, node, ids))
}

func fillValue(v any, node *schema.Node, ids map[string]string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, member := range x {
			var child *schema.Node
			if node != nil {
				child = node.Props[k]
			}
			if id, ok := ids[k]; ok {
				if _, isString := member.(string); isString && fits(child, id) {
					x[k] = id
					continue
				}
			}
			x[k] = fillValue(member, child, ids)
		}
	case []any:
		var items *schema.Node
		if node != nil {
			items = node.Items
		}
		for i, item := range x {
			x[i] = fillValue(item, items, ids)
		}
	}
	return v
}

// fits reports whether s may stand where node describes a value.
func fits(node *schema.Node, s string) bool {
	if node == nil {
		return true
	}
	b, _ := json.Marshal(s)
	return schema.CheckJSON(node, "reply", b, schema.Server) == nil
}

// v2Generated is the endpoint of an APIv2 catalog operation that has no
// endpoint of its own, answering from answers.json; nil if there is no
// answer.
func v2Generated(method, path string) v2Endpoint {
	ep, ok := catalog.Lookup(method, "v2"+path)
	if !ok || ep.Method != method || ep.Protocol != "v2" {
		return nil
	}
	a := lookupAnswer(ep.Method + " " + ep.Path)
	if a == nil {
		return nil
	}
	op := schema.Find(ep.Method, ep.Path)
	return func(s *Server, c v2Call) v2Result {
		if a.Fields == nil && len(a.Body) > 0 {
			// Not fields: a document, sent as it is.
			ct := "application/json"
			if !json.Valid(a.Body) {
				ct = http.DetectContentType(a.Body)
			}
			return v2Result{raw: append([]byte{}, a.Body...), contentType: ct}
		}
		fields := make(map[string]string, len(a.Fields)+1)
		for k, v := range a.Fields {
			fields[k] = v
			if id, ok := c.params[k]; ok && id != "" && isIdentifier(k) && fitsField(op, k, id) {
				fields[k] = id
			}
		}
		if op != nil && op.Reply != nil {
			if op.Reply.Props["result_code"] != nil {
				fields["result_code"] = "SUCCESS"
			}
			if op.Reply.Props["sign_type"] != nil {
				// Echoed as the reply is signed: carryOutV2 signs with it.
				fields["sign_type"] = c.params["sign_type"]
				if fields["sign_type"] == "" {
					fields["sign_type"] = "MD5"
				}
			}
		}
		return v2Result{fields: fields}
	}
}

// fitsField reports whether value may stand as the reply field name.
func fitsField(op *schema.Operation, name, value string) bool {
	if op == nil || op.Reply == nil {
		return true
	}
	return (&schema.Operation{Body: op.Reply}).CheckField(name, value, schema.Server) == nil
}
