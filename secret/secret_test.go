package secret_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accordhq/accord/secret"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, secret.KeySize)
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"refresh_token":"rt-123"}`)
	sealed := box.Seal(plain, "connection:main")
	if bytes.Contains(sealed, []byte("rt-123")) {
		t.Fatal("sealed value contains the plain text")
	}
	if bytes.Equal(sealed, box.Seal(plain, "connection:main")) {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	got, err := box.Open(sealed, "connection:main")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, "connection:other"); !errors.Is(err, secret.ErrOpen) {
		t.Fatalf("open for another purpose = %v, want ErrOpen", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := box.Open(tampered, "connection:main"); !errors.Is(err, secret.ErrOpen) {
		t.Fatalf("open of a tampered value = %v, want ErrOpen", err)
	}
	other, _ := secret.NewBox(bytes.Repeat([]byte{8}, secret.KeySize))
	if _, err := other.Open(sealed, "connection:main"); !errors.Is(err, secret.ErrOpen) {
		t.Fatalf("open with another key = %v, want ErrOpen", err)
	}
	if _, err := secret.NewBox([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}

func TestLoadKey(t *testing.T) {
	t.Parallel()
	none := func(string) string { return "" }
	path := filepath.Join(t.TempDir(), "accord.key")
	k1, err := secret.LoadKey(none, path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	k2, err := secret.LoadKey(none, path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load = %x, %v; want the same key", k2, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := secret.LoadKey(none, path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key file = %v, want a refusal", err)
	}

	env := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	k, err := secret.LoadKey(func(n string) string {
		if n == secret.EnvKey {
			return env
		}
		return ""
	}, path)
	if err != nil || !bytes.Equal(k, bytes.Repeat([]byte{1}, 32)) {
		t.Fatalf("key from the environment = %x, %v", k, err)
	}
	_, err = secret.LoadKey(func(string) string { return "c2hvcnQ=" }, path)
	if err == nil || !strings.Contains(err.Error(), secret.EnvKey) {
		t.Fatalf("short env key = %v, want an error naming %s", err, secret.EnvKey)
	}
}
