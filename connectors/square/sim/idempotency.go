package sim

import (
	"crypto/sha256"
	"encoding/hex"
)

// idemCache remembers the response of every successful keyed create. Keys
// never expire (Square's lifetime is unconfirmed) and are scoped per
// endpoint: CreateCustomer's idempotency_key and BulkCreateCustomers' map
// keys are separate namespaces.
type idemCache struct {
	m map[idemKey]idemEntry
}

type idemKey struct{ ns, key string }

type idemEntry struct {
	hash string // of the canonical request (the entry, for bulk)
	body []byte // the response body (the entry's response, for bulk)
}

func newIdemCache() idemCache { return idemCache{m: map[idemKey]idemEntry{}} }

// Namespaces of idemCache.
const (
	nsCreate = "create"
	nsBulk   = "bulk-create"
)

// lookup reports a cached response for key: replay is the stored body when
// the request is the same; reused is true when the key was used for a
// different request. Callers hold s.mu.
func (c *idemCache) lookup(ns, key, hash string) (replay []byte, reused bool) {
	e, ok := c.m[idemKey{ns, key}]
	switch {
	case !ok:
		return nil, false
	case e.hash != hash:
		return nil, true
	}
	return e.body, false
}

func (c *idemCache) store(ns, key, hash string, body []byte) {
	c.m[idemKey{ns, key}] = idemEntry{hash, body}
}

func bodyHash(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return hex.EncodeToString(h[:])
}

func keyReused(field string) *requestError {
	return reqErr(codeKeyReused, field,
		"The idempotency key was already used for a different request; a retry must send the same request.")
}
