// Package secret seals accord's secrets at rest (DESIGN.md invariant 9):
// OAuth tokens and PKCE verifiers are encrypted with AES-256-GCM before
// they reach the store, under one key per installation.
//
// The key comes from ACCORD_SECRET_KEY (32 bytes, base64) or from a key
// file, created on first use with mode 0600 next to the store. Losing the
// key loses the connections (people connect again), never customer data.
//
// It imports only the standard library.
package secret
