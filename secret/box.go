package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// version prefixes every sealed value, so that a later change of cipher or
// key can tell old values apart.
const version byte = 1

// ErrOpen is wrapped by Open's errors: the value was not sealed with this
// key for this purpose, or was altered.
var ErrOpen = errors.New("secret: cannot open sealed value")

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct{ aead cipher.AEAD }

// NewBox returns a Box for a KeySize-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain. purpose is authenticated but not stored: a value
// sealed for one purpose (the tokens of pair "main") cannot be opened for
// another, so a row copied onto another connection is refused.
func (b *Box) Seal(plain []byte, purpose string) []byte {
	nonce := make([]byte, b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	out := append([]byte{version}, nonce...)
	return b.aead.Seal(out, nonce, plain, []byte(purpose))
}

// Open decrypts a value sealed for purpose. Errors wrap ErrOpen and never
// contain the value.
func (b *Box) Open(sealed []byte, purpose string) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < 1+n+b.aead.Overhead() || sealed[0] != version {
		return nil, fmt.Errorf("%w: not a sealed value", ErrOpen)
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(purpose))
	if err != nil {
		return nil, fmt.Errorf("%w: wrong key or purpose, or altered", ErrOpen)
	}
	return plain, nil
}
