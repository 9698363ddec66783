package redisstore

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/redis/go-redis/v9"
)

// A lock (CertificateCache) or a claim (V2Dedup) is a key set with NX to
// a random token, so that its holder can end it without ending one that
// another instance took after it lapsed.
var (
	// release deletes a key that still holds its token.
	release = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
	// finish sets a key that still holds its token to ARGV[2] for ARGV[3]
	// milliseconds.
	finish = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3]) end return 0`)
)

// newToken returns a random value that tells one holder of a key from
// another.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
