package keys

import (
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

var errNoPEM = errors.New("no PEM block found")

// pemBlocks returns every PEM block in data, in order.
func pemBlocks(data []byte) []*pem.Block {
	if blocks := decodeAll(data); len(blocks) > 0 {
		return blocks
	}
	// Keys kept in environment variables, JSON or YAML often lose their line
	// breaks, to a literal `\n` or to spaces. Rebuild them rather than
	// refuse: the markers still say where each block starts and ends.
	text := strings.NewReplacer(`\r\n`, "\n", `\n`, "\n").Replace(string(data))
	if blocks := decodeAll([]byte(text)); len(blocks) > 0 {
		return blocks
	}
	return rebuild(text)
}

func decodeAll(data []byte) []*pem.Block {
	var blocks []*pem.Block
	for {
		b, rest := pem.Decode(data)
		if b == nil {
			return blocks
		}
		blocks = append(blocks, b)
		data = rest
	}
}

// rebuild finds blocks by their BEGIN and END markers alone, so a body
// whose line breaks became spaces, or vanished, still decodes.
func rebuild(text string) []*pem.Block {
	var blocks []*pem.Block
	for {
		_, after, ok := strings.Cut(text, "-----BEGIN ")
		if !ok {
			return blocks
		}
		label, after, ok := strings.Cut(after, "-----")
		if !ok {
			return blocks
		}
		body, rest, ok := strings.Cut(after, "-----END "+label+"-----")
		if !ok {
			return blocks
		}
		text = rest
		b := &pem.Block{Type: label}
		if strings.Contains(body, "Proc-Type:") {
			// Without line breaks the headers cannot be told from the body;
			// all that matters is whether they say it is encrypted.
			if strings.Contains(body, "ENCRYPTED") {
				b.Headers = map[string]string{"Proc-Type": "4,ENCRYPTED"}
				blocks = append(blocks, b)
			}
			continue
		}
		der, err := decodeBase64(body)
		if err != nil {
			continue
		}
		b.Bytes = der
		blocks = append(blocks, b)
	}
}

// encrypted reports whether b is password-protected, either the OpenSSL
// traditional way (a Proc-Type header) or as PKCS#8 EncryptedPrivateKeyInfo.
func encrypted(b *pem.Block) bool {
	return b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
}

// notFound says that none of blocks holds what was wanted ("private key").
func notFound(blocks []*pem.Block, what string) error {
	if len(blocks) == 1 {
		return fmt.Errorf("PEM block %q is not a %s", blocks[0].Type, what)
	}
	types := make([]string, len(blocks))
	for i, b := range blocks {
		types[i] = fmt.Sprintf("%q", b.Type)
	}
	return fmt.Errorf("PEM blocks %s hold no %s", strings.Join(types, ", "), what)
}
