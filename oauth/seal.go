package oauth

import (
	"encoding/json"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/secret"
)

// SealToken encrypts t for connection conn.
func SealToken(box *secret.Box, conn string, t *oauth2.Token) ([]byte, error) {
	plain, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("oauth: encode token of %s: %w", conn, err)
	}
	return box.Seal(plain, "oauth-token:"+conn), nil
}

// OpenToken decrypts a token sealed by SealToken for conn.
func OpenToken(box *secret.Box, conn string, sealed []byte) (*oauth2.Token, error) {
	plain, err := box.Open(sealed, "oauth-token:"+conn)
	if err != nil {
		return nil, err
	}
	var t oauth2.Token
	if err := json.Unmarshal(plain, &t); err != nil {
		return nil, fmt.Errorf("oauth: decode token of %s: %w", conn, err)
	}
	return &t, nil
}
