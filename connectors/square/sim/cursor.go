package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"time"
)

// cursorData is what an opaque cursor carries: the query it belongs to and
// the sort position of the last customer returned (keyset paging, so that
// customers created or deleted meanwhile never shift a page).
type cursorData struct {
	Query string `json:"q"` // queryHash of the request that issued it
	Key   string `json:"k"` // the last customer's sort key
	ID    string `json:"i"` // the last customer's id, the tie-break
	At    int64  `json:"t"` // issued at, unix seconds of the simulator's clock
}

func encodeCursor(c cursorData) string {
	b, _ := json.Marshal(c) // strings and an int cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor checks that raw was issued for the request whose hash is
// query and has not expired. Every failure is a 400 INVALID_CURSOR.
func (s *Server) decodeCursor(raw, query, field string) (*cursorData, *requestError) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	var c cursorData
	if err != nil || json.Unmarshal(b, &c) != nil || c.Query == "" {
		return nil, reqErr(codeInvalidCursor, field, "The cursor is not valid.")
	}
	if c.Query != query {
		return nil, reqErr(codeInvalidCursor, field,
			"The cursor belongs to a different request; send the original request body with it.")
	}
	if ttl := s.opts.CursorTTL; ttl > 0 && s.opts.Now().Sub(time.Unix(c.At, 0)) > ttl {
		return nil, reqErr(codeInvalidCursor, field, "The cursor has expired; start the query again.")
	}
	return &c, nil
}

// queryHash fingerprints a request without its cursor. JSON bodies are
// canonicalised first (keys sorted, whitespace dropped), so a client that
// re-serialises the same request in another key order is not refused.
func queryHash(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return hex.EncodeToString(h[:12])
}

// canonicalJSON returns body re-encoded with sorted keys and without the
// top-level keys named in drop. ok is false when body is not a JSON object.
func canonicalJSON(body []byte, drop ...string) ([]byte, bool) {
	var m map[string]any
	if err := unmarshalNumbers(body, &m); err != nil || m == nil {
		return nil, false
	}
	for _, k := range drop {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	return b, err == nil
}
