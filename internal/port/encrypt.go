package port

import (
	"fmt"
	"regexp"
	"strings"
)

// Sensitive fields: the PHP SDK's README encrypts them with
// Rsa::encrypt($text, $platformPublicKeyInstance), often through a closure
// ($encryptor = static function(string $msg) use ($key): string {
// return Rsa::encrypt($msg, $key); }), and the Node SDK with
// Rsa.encrypt(text, key). Both port to a local encrypt func over
// sensitive.Encrypt with the WeChat Pay public key loaded by keys.PublicKey.

// encryptorClosure finds $encryptor = function ... Rsa::encrypt($msg, $key):
// the closure's name and the key variable it uses.
var encryptorClosure = regexp.MustCompile(`(?s)\$([A-Za-z_]\w*)\s*=\s*(?:static\s+)?(?:function|fn)\b[^;]*?Rsa::encrypt\(\s*\$\w+\s*,\s*\$([A-Za-z_]\w*)`)

// encryptors lists the closures of src that call Rsa::encrypt, with the
// key variable each uses.
func encryptors(src string) map[string]string {
	out := map[string]string{}
	for _, m := range encryptorClosure.FindAllStringSubmatch(src, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// isRsaEncrypt reports whether e calls Rsa::encrypt (PHP) or Rsa.encrypt
// (Node) with a text and a key, and returns them; or calls a closure of
// the source that does, with its text.
func (c *converter) isRsaEncrypt(e expr) (text, key expr, ok bool) {
	if class, method, args := sdkCall(e); class == "Rsa" && method == "encrypt" && len(args) == 2 {
		return args[0], args[1], true
	}
	if call, ok := e.(*call); ok && len(call.args) == 1 {
		if v, ok := call.fn.(*phpVar); ok {
			if keyVar, ok := c.encryptors[v.name]; ok {
				return call.args[0], &phpVar{line: call.line, name: keyVar}, true
			}
		}
	}
	return nil, nil, false
}

// sdkCall takes apart a call of one of the SDKs' helper classes: PHP
// \WeChatPay\Crypto\Rsa::encrypt(...) or Node Rsa.encrypt(...) give class
// "Rsa" and method "encrypt". class is "" for any other expression.
func sdkCall(e expr) (class, method string, args []expr) {
	switch e := e.(type) {
	case *staticCall:
		return e.class[strings.LastIndexByte(e.class, '\\')+1:], e.method, e.args
	case *call:
		if m, ok := e.fn.(*member); ok && m.index == nil {
			if id, ok := m.x.(*ident); ok {
				return id.name, m.name, e.args
			}
		}
	}
	return "", "", nil
}

// encrypt ports an encryption of text with key to a call of the local
// encrypt func, which body declares.
func (c *converter) encrypt(line int, text, key expr) string {
	var source string
	switch k := key.(type) {
	case *phpVar:
		source = k.name
	case *ident:
		source = k.name
	default:
		c.report(line, "a key that is not a variable is not ported; the WeChat Pay public key is loaded from a file instead")
	}
	switch {
	case c.encryptKey == "":
		name := "wechatpayPublicKey"
		if source != "" {
			name = goIdent(source)
		}
		c.encryptKey, c.encryptKeySource = c.newName(name), source
		if source != "" {
			c.goNames[source] = c.encryptKey
		}
	case source != "" && source != c.encryptKeySource:
		c.report(line, "encryption with another key than %s is ported as encryption with %s", c.encryptKeySource, c.encryptKeySource)
	}
	return "encrypt(" + c.value(text, false) + ")"
}

// encryptHelper declares the key and the encrypt func.
func (c *converter) encryptHelper() string {
	c.imports["log"] = true
	c.imports[modulePath+"/keys"] = true
	c.imports[modulePath+"/sensitive"] = true
	what := "the WeChat Pay public key"
	if c.encryptKeySource != "" {
		what += " (" + c.encryptKeySource + " in the source)"
	}
	return fmt.Sprintf(`%[1]s, err := keys.PublicKey("/path/to/pub_key.pem") // TODO: %[2]s: a path or the PEM text
if err != nil {
	log.Fatal(err)
}
// encrypt is Rsa::encrypt: RSA-OAEP with %[1]s, for a sensitive field.
encrypt := func(text string) string {
	ciphertext, err := sensitive.Encrypt(%[1]s, text)
	if err != nil {
		log.Fatal(err)
	}
	return ciphertext
}

`, c.encryptKey, what)
}
