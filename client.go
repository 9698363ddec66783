package wechatpay

import (
	"crypto"
	"crypto/rsa"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the primary APIv3/APIv2 domain.
const DefaultBaseURL = "https://api.mch.weixin.qq.com/"

// DefaultBackupURL is the backup domain WeChat Pay advises for connection
// failures and timeouts on the primary one.
const DefaultBackupURL = "https://api2.mch.weixin.qq.com/"

// Config holds a merchant's identity and keys, and the client's knobs.
// The zero value of every optional field is a good default.
type Config struct {
	MchID      string                    // merchant id
	Serial     string                    // merchant API certificate serial number
	PrivateKey crypto.Signer             // merchant API private key (*rsa.PrivateKey, or an HSM/KMS signer)
	Certs      map[string]*rsa.PublicKey // WeChat Pay platform certificate serials and/or public key ids (PUB_KEY_ID_...) -> key
	Secret     string                    // APIv2 key; with no PrivateKey and Signer, the client is APIv2 only
	Merchant   *tls.Certificate          // merchant certificate + key for v2 requests marked "security"
	BaseURL    string                    // default DefaultBaseURL
	TLSConfig  *tls.Config               // optional base TLS settings (e.g. RootCAs of a test server)

	// BackupURL receives one retry of a request that failed on BaseURL
	// before BaseURL could have acted on it: not reached, or reset or
	// timed out while the request was written; a GET or HEAD also when
	// the request was sent and no byte of a reply came. A POST sent in
	// full is not resent (ErrNotResent): the policy and its reasons are in
	// docs/errors.md. Default DefaultBackupURL when BaseURL is the
	// default, else none; "-" turns the retry off.
	BackupURL string
	// PlatformSerial is sent as Wechatpay-Serial on every APIv3 request.
	// Default: the only public key id (PUB_KEY_ID_...) in Certs, else the
	// only serial in Certs, else none. A "headers" option overrides it.
	PlatformSerial string
	// Timeout bounds one attempt when the context sets no sooner deadline.
	// Default transport.DefaultTimeout. A streamed reply (Download) is
	// bounded by the context alone; Timeout bounds each wait for its data.
	Timeout time.Duration
	// MaxResponseBytes bounds a response body. Default
	// transport.DefaultMaxResponseBytes.
	MaxResponseBytes int
	// MaxDownloadBytes bounds a downloaded file (Download, DownloadURL and
	// package bills, after un-gzipping): DefaultMaxDownloadBytes if zero.
	// The bytes up to the limit are handed on, then a
	// *DownloadTooLargeError; nothing past it.
	MaxDownloadBytes int64
	// Transport sends requests. Default: fasthttp with TLSConfig, Timeout
	// and MaxResponseBytes; transport.NetHTTP plugs in net/http instead.
	Transport transport.Doer
	// Keys adds a source of platform keys, consulted after Certs: a
	// rotating certificate store (package certificates), say. Both work at
	// once while a merchant moves between public keys and certificates.
	Keys signer.Keys
	// Signer and Verifier replace the APIv3 middlewares built from the
	// keys above (a remote signing service, a custom verifier). Requests
	// pass backup retry -> Signer -> Verifier -> Transport.
	Signer   transport.Middleware
	Verifier transport.Middleware
	// V2Signer and V2Verifier replace the APIv2 middlewares built from
	// Secret (xmlsign.Signer, xmlsign.Verifier). APIv2 requests pass
	// backup retry -> V2Signer -> V2Verifier -> Transport.
	V2Signer   transport.Middleware
	V2Verifier transport.Middleware
	// Checks says how far a request is checked against its operation's
	// description before it is sent. Default CheckKinds: a known field of
	// the wrong JSON kind is refused. See CheckLevel.
	Checks CheckLevel
	// Logger, if set, records every request: at Debug level its method,
	// path, status, Request-ID and time taken; at Info a reply that is not
	// 2xx; at Warn a request that failed (no reply, or a reply that did
	// not verify) and each retry on BackupURL. Headers, query strings and
	// bodies are never logged.
	Logger *slog.Logger
}

// Client sends APIv3 and APIv2 requests. It is safe for concurrent use.
type Client struct {
	cfg       Config
	baseURL   string
	backupURL string // "" if none
	userAgent string
	v3        transport.Doer // the APIv3 middleware stack
	v2        transport.Doer // the APIv2 middleware stack, nil without Secret
}

// New checks cfg and returns a client. Every problem is reported as a
// *ConfigError naming the field.
func New(cfg Config) (*Client, error) {
	base, backup, err := checkConfig(&cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, baseURL: base, backupURL: backup, userAgent: userAgent(), v3: noV3{}}
	plain := cfg.Transport
	if plain == nil {
		plain = transport.NewFastHTTP(transport.FastHTTPOptions{
			TLSConfig: cfg.TLSConfig, Timeout: cfg.Timeout, MaxResponseBytes: cfg.MaxResponseBytes,
		})
	}
	if hasV3(cfg) {
		c.v3 = newV3Stack(cfg, plain, base, backup)
	}
	if cfg.Secret != "" {
		c.v2 = newV2Stack(cfg, plain, base, backup)
	}
	return c, nil
}

// hasV3 reports whether cfg makes an APIv3 client. A Secret alone makes
// an APIv2-only client: many merchants have no APIv3 keys, and without
// them there is no platform key to verify with.
func hasV3(cfg Config) bool {
	return cfg.Signer != nil || cfg.PrivateKey != nil || cfg.Secret == ""
}

// checkConfig checks every field of cfg, fills in PlatformSerial's
// default, and returns the normalized base and backup URLs ("" for no
// backup).
func checkConfig(cfg *Config) (base, backup string, err error) {
	refuse := func(field, format string, args ...any) (string, string, error) {
		return "", "", &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if cfg.MchID == "" {
		return refuse("MchID", "is empty")
	}
	if strings.ContainsAny(cfg.MchID, "\",\r\n ") {
		return refuse("MchID", "%q contains characters an Authorization header cannot carry", cfg.MchID)
	}
	v3 := hasV3(*cfg)
	if cfg.Signer == nil && v3 {
		if cfg.PrivateKey == nil {
			return refuse("PrivateKey", "is nil (APIv3 requests are signed with it)")
		}
		if _, ok := cfg.PrivateKey.Public().(*rsa.PublicKey); !ok {
			return refuse("PrivateKey", "is a %T signer; APIv3 needs RSA", cfg.PrivateKey.Public())
		}
		if cfg.Serial == "" {
			return refuse("Serial", "is empty (the merchant API certificate serial number)")
		}
		if strings.ContainsAny(cfg.Serial, "\",\r\n ") {
			return refuse("Serial", "%q contains characters an Authorization header cannot carry", cfg.Serial)
		}
	}
	for serial := range cfg.Certs {
		if cfg.Serial != "" && sameSerial(serial, cfg.Serial) {
			return refuse("Serial", "%s is the merchant serial but also names a platform key in Certs (%s); the merchant and platform keys were mixed up", cfg.Serial, serial)
		}
	}
	for serial, key := range cfg.Certs {
		if key == nil {
			return refuse("Certs", "key for %s is nil", serial)
		}
	}
	if cfg.Verifier == nil && cfg.Keys == nil && len(cfg.Certs) == 0 && v3 {
		return refuse("Certs", "is empty: responses cannot be verified without a platform certificate or public key")
	}
	if cfg.Merchant != nil && (len(cfg.Merchant.Certificate) == 0 || cfg.Merchant.PrivateKey == nil) {
		return refuse("Merchant", "lacks the certificate or its private key")
	}

	if base, err = normalizeBaseURL("BaseURL", cfg.BaseURL, DefaultBaseURL); err != nil {
		return "", "", err
	}
	switch backup = cfg.BackupURL; {
	case backup == "-":
		backup = ""
	case backup == "" && base == DefaultBaseURL:
		backup = DefaultBackupURL
	case backup != "":
		if backup, err = normalizeBaseURL("BackupURL", backup, ""); err != nil {
			return "", "", err
		}
	}
	if cfg.PlatformSerial == "" {
		cfg.PlatformSerial = defaultPlatformSerial(cfg.Certs)
	}
	return base, backup, nil
}

// newV3Stack composes the APIv3 middlewares: log -> backup retry ->
// Signer -> Verifier -> transport.
func newV3Stack(cfg Config, next transport.Doer, primary, backup string) transport.Doer {
	var keys signer.Keys = signer.StaticKeys(cfg.Certs)
	if cfg.Keys != nil {
		keys = signer.MultiKeys(keys, cfg.Keys)
	}
	if cfg.Verifier != nil {
		next = cfg.Verifier(next)
	} else {
		next = &signer.Verifier{Keys: keys, Next: next}
	}
	if cfg.Signer != nil {
		next = cfg.Signer(next)
	} else {
		next = &signer.Signer{MchID: cfg.MchID, Serial: cfg.Serial, Key: cfg.PrivateKey, Next: next}
	}
	return withRetryAndLog(cfg, next, primary, backup, "")
}

// withRetryAndLog puts the two outer middlewares of both stacks around
// next: the backup-domain retry, then the log (whose paths start with
// prefix), so that the log records one line per call.
func withRetryAndLog(cfg Config, next transport.Doer, primary, backup, prefix string) transport.Doer {
	if backup != "" {
		next = &backupRetry{primary: primary, backup: backup, next: next, log: cfg.Logger, v2: prefix == "v2/"}
	}
	if cfg.Logger != nil {
		next = &requestLog{log: cfg.Logger, prefix: prefix, next: next}
	}
	return next
}

// sameSerial compares two certificate serial numbers as numbers: tools
// print them in either case, with or without a leading zero.
func sameSerial(a, b string) bool {
	return strings.EqualFold(strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0"))
}

// normalizeBaseURL checks an absolute http(s) URL and makes it end in "/";
// its path keeps to the rule of path segments (path.go).
// Plain http is for a server on this machine (a test server, a local
// proxy): a signed request and its reply never cross a network in clear.
func normalizeBaseURL(field, u, def string) (string, error) {
	if u == "" {
		return def, nil
	}
	refuse := func(format string, args ...any) (string, error) {
		return "", &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	p, err := url.Parse(u)
	switch {
	case err != nil || p.Host == "" || p.Scheme != "https" && p.Scheme != "http" || !strings.HasPrefix(u, p.Scheme+"://"):
		return refuse("%q is not an absolute http(s) URL", u)
	case strings.ContainsAny(u, "?#"):
		return refuse("%q has a query or fragment", u)
	case p.User != nil:
		return refuse("%q carries user information", u)
	case p.Scheme == "http" && !isLoopback(p.Hostname()):
		return refuse("%q is plain http to another machine; WeChat Pay is HTTPS only, and plain http is for a server on this machine (127.0.0.1, ::1, localhost)", u)
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	// The path goes on the wire, and into the signature, in front of
	// every request target: it keeps to the rule of a template's path.
	origin := len(p.Scheme) + len("://") + strings.IndexByte(u[len(p.Scheme)+3:], '/')
	path, reason := checkBasePath(u[origin:])
	if reason != "" {
		return refuse("%q: its path %s", u, reason)
	}
	return u[:origin] + path, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func defaultPlatformSerial(certs map[string]*rsa.PublicKey) string {
	var keyID, any string
	nKeyIDs := 0
	for serial := range certs {
		any = serial
		if strings.HasPrefix(serial, "PUB_KEY_ID_") {
			keyID = serial
			nKeyIDs++
		}
	}
	switch {
	case nKeyIDs == 1:
		return keyID
	case nKeyIDs == 0 && len(certs) == 1:
		return any
	}
	return ""
}

func userAgent() string {
	return "wechatpay-go/" + Version + " (github.com/wxpay-go/wechatpay) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
