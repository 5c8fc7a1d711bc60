package sim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

const benchCustomers = 1_000_000

func BenchmarkSeed1M(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Options{Customers: benchCustomers, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListAfter1M reads one full page of the feed from the middle of a
// million-customer server, through ServeHTTP.
func BenchmarkListAfter1M(b *testing.B) {
	s, err := New(Options{Customers: benchCustomers, Seed: 1, RateLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	s.mu.RLock()
	after := s.order[benchCustomers/2].version
	s.mu.RUnlock()
	req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/2.0/customers?after=%d", after), nil)
	req.Header.Set("Authorization", "Bearer sim-token")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkSearchEmail1M is a search-before-create by email over a million
// mostly untouched seeded customers (a full scan).
func BenchmarkSearchEmail1M(b *testing.B) {
	s, err := New(Options{Customers: benchCustomers, Seed: 1, RateLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/2.0/search?type=customers&email=nobody@example.com", nil)
	req.Header.Set("Authorization", "Bearer sim-token")
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
