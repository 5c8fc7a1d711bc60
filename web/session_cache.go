package web

import (
	"sync"
	"time"
)

// sessionCache remembers sessions found in the store for a few seconds, so
// a burst of page loads (a review session pages quickly) costs one lookup,
// not one per request. Sign-out drops the entry at once; another process's
// sign-out is seen within the cache's lifetime. Expiry is still checked on
// every request.
type sessionCache struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]cachedSession
}

type cachedSession struct {
	s  Session
	at time.Time
}

// maxCachedSessions bounds the cache; past it the cache starts over.
const maxCachedSessions = 10000

func (sc *sessionCache) get(hash string, now time.Time) (Session, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e, ok := sc.entries[hash]
	if !ok || now.Sub(e.at) > sc.ttl || !e.s.ExpiresAt.After(now) {
		return Session{}, false
	}
	return e.s, true
}

func (sc *sessionCache) put(s Session, now time.Time) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.entries) >= maxCachedSessions {
		sc.entries = map[string]cachedSession{}
	}
	sc.entries[s.TokenHash] = cachedSession{s: s, at: now}
}

func (sc *sessionCache) drop(hash string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.entries, hash)
}
