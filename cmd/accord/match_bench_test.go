package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkMatchFebrl5000x5000 times accord match on FEBRL-sized inputs:
// dataset3 (5,000 records) as the local side against dataset2 (5,000) as
// upstream, end to end (reading, deterministic tiers, training, blocking,
// scoring, writing). DESIGN.md §9 asks for under a second.
func BenchmarkMatchFebrl5000x5000(b *testing.B) {
	data := sharedData(b)
	local := filepath.Join(data, "febrl", "dataset3.csv")
	upstream := filepath.Join(data, "febrl", "dataset2.csv")
	for b.Loop() {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"match", "--local", local, "--upstream", upstream, "--id", "rec_id"},
			func(string) string { return "" }, &out, &errOut); code != exitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
}

// sharedData returns ../shared/data beside the repository root, skipping
// (or failing, with ACCORD_TEST_REQUIRE set) when it is absent.
func sharedData(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		if os.Getenv("ACCORD_TEST_REQUIRE") != "" {
			tb.Fatalf("shared data sets missing at %s (ACCORD_TEST_REQUIRE is set): %v", data, err)
		}
		tb.Skipf("shared data sets not found at %s", data)
	}
	return data
}
