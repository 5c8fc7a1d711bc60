package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// EnvKey names the environment variable that holds the key, base64.
const EnvKey = "ACCORD_SECRET_KEY"

// LoadKey returns the installation's key: ACCORD_SECRET_KEY when set
// (standard or URL base64 of 32 bytes), else the key file at path, which is
// created with a fresh random key and mode 0600 when it does not exist. A
// key file readable by others is refused rather than used: it would give
// away every connection.
func LoadKey(getenv func(string) string, path string) ([]byte, error) {
	if v := strings.TrimSpace(getenv(EnvKey)); v != "" {
		key, err := decodeKey(v)
		if err != nil {
			return nil, fmt.Errorf("secret: %s: %w", EnvKey, err)
		}
		return key, nil
	}
	if path == "" {
		return nil, fmt.Errorf("secret: set %s or name a key file", EnvKey)
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createKey(path)
	case err != nil:
		return nil, fmt.Errorf("secret: read key file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secret: key file %s has mode %v: make it readable by its owner only (chmod 600)",
			path, fi.Mode().Perm())
	}
	key, err := decodeKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return key, nil
}

// createKey writes a new random key to path, failing rather than
// overwriting when another process created it first.
func createKey(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(func(string) string { return "" }, path)
	}
	if err != nil {
		return nil, fmt.Errorf("secret: create key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("secret: write key file: %w", err)
	}
	return key, nil
}

func decodeKey(v string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding,
		base64.RawURLEncoding} {
		if key, err := enc.DecodeString(v); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("decodes to %d bytes, want %d (generate one with: openssl rand -base64 32)",
					len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("not base64 (generate one with: openssl rand -base64 32)")
}
