package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// sdkOutput is what sdktest/check.js prints.
type sdkOutput struct {
	Search struct {
		IDs                 []string
		Pages, Count, Fuzzy int
	}
	Create struct {
		First, Second, Country string
		Version                int
		Same                   bool
	}
	Reused, Stale, NotFound, TooHigh, Unauthorized sdkError
	Bulk                                           struct{ Created, Rejected string }
	Update                                         struct {
		Version int
		Note    string
	}
	SquareVersion string
}

type sdkError struct {
	Status                    int
	Codes, Categories, Fields []string
}

func TestOfficialNodeSDK(t *testing.T) {
	t.Parallel()
	node, npm := requireTool(t, "node"), requireTool(t, "npm")
	modules := installSDK(t, npm)

	b := setup(t, Options{Customers: 25, Seed: 11})
	seeded := publicIDs(b.sim.Customers())
	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("sdktest", "check.js"))
	cmd.Env = append(os.Environ(), "SIM_URL="+b.ts.URL, "SIM_TOKEN="+b.token, "NODE_PATH="+modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node sdktest/check.js: %v\n%s", err, stderr.Bytes())
	}
	var out sdkOutput
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("check.js printed %q: %v (stderr %s)", stdout.Bytes(), err, stderr.Bytes())
	}

	if !slices.Equal(out.Search.IDs, seeded) || out.Search.Count != len(seeded) || out.Search.Pages != (len(seeded)+6)/7 {
		t.Errorf("SDK search paged %d ids in %d pages (count %d), want the %d public ones in %d pages",
			len(out.Search.IDs), out.Search.Pages, out.Search.Count, len(seeded), (len(seeded)+6)/7)
	}
	if out.Search.Fuzzy == 0 {
		t.Error("SDK fuzzy email search with an updated_at filter found nothing")
	}
	if out.Create.First == "" || out.Create.First != out.Create.Second || !out.Create.Same || out.Create.Version != 0 || out.Create.Country != "GB" {
		t.Errorf("SDK create with a replayed key = %+v, want one customer and the same response twice", out.Create)
	}
	var withRef int
	for _, c := range b.sim.Customers() {
		if c.ReferenceID == "sdk-ref-1" {
			withRef++
		}
	}
	if withRef != 1 {
		t.Errorf("%d customers carry the SDK's reference_id, want exactly 1", withRef)
	}
	if out.Bulk.Created == "" || out.Bulk.Rejected != "INVALID_EMAIL_ADDRESS" {
		t.Errorf("SDK bulk create = %+v, want one created and one INVALID_EMAIL_ADDRESS", out.Bulk)
	}
	if out.Update.Version != 1 || out.Update.Note != "first" {
		t.Errorf("SDK update = %+v, want version 1", out.Update)
	}
	for name, tc := range map[string]struct {
		got          sdkError
		status       int
		code, field  string
		wantCategory string
	}{
		"reused key":    {out.Reused, 400, "IDEMPOTENCY_KEY_REUSED", "idempotency_key", "INVALID_REQUEST_ERROR"},
		"stale version": {out.Stale, 409, "VERSION_MISMATCH", "version", "INVALID_REQUEST_ERROR"},
		"not found":     {out.NotFound, 404, "NOT_FOUND", "", "INVALID_REQUEST_ERROR"},
		"limit 101":     {out.TooHigh, 400, "VALUE_TOO_HIGH", "limit", "INVALID_REQUEST_ERROR"},
		"bad token":     {out.Unauthorized, 401, "UNAUTHORIZED", "", "AUTHENTICATION_ERROR"},
	} {
		want := sdkError{tc.status, []string{tc.code}, []string{tc.wantCategory}, []string{tc.field}}
		if tc.got.Status != want.Status || !slices.Equal(tc.got.Codes, want.Codes) ||
			!slices.Equal(tc.got.Categories, want.Categories) || !slices.Equal(tc.got.Fields, want.Fields) {
			t.Errorf("%s: the SDK surfaced %+v, want %+v", name, tc.got, want)
		}
	}
	if out.SquareVersion != DefaultSquareVersion {
		t.Errorf("Square-Version seen by the SDK = %q, want %q echoed", out.SquareVersion, DefaultSquareVersion)
	}
}

// requireTool finds a program on PATH, or skips the test (fails it when
// ACCORD_TEST_REQUIRE is set, as in CI).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ACCORD_TEST_REQUIRE") != "" {
			t.Fatalf("ACCORD_TEST_REQUIRE is set but %s is not installed: %v", name, err)
		}
		t.Skipf("%s not found (%v); install Node.js 18+ and npm to run the official Square SDK check", name, err)
	}
	return p
}

// installSDK installs sdktest's locked dependencies with npm ci into a
// cache directory named after the lock file's hash, once, and returns its
// node_modules. The source tree is never written to, and later runs reuse
// the install. A failed install (no registry) skips unless
// ACCORD_TEST_REQUIRE is set.
func installSDK(t *testing.T, npm string) string {
	t.Helper()
	pkg, err1 := os.ReadFile(filepath.Join("sdktest", "package.json"))
	lock, err2 := os.ReadFile(filepath.Join("sdktest", "package-lock.json"))
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(append(append(pkg, 0), lock...))
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "accord", "square-sdk-"+hex.EncodeToString(sum[:8]))
	modules := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "square", "package.json")); err == nil {
		return modules
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-*")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for name, data := range map[string][]byte{"package.json": pkg, "package-lock.json": lock} {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir = tmp
	if outp, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("ACCORD_TEST_REQUIRE") != "" {
			t.Fatalf("npm ci for the Square SDK check: %v\n%s", err, outp)
		}
		t.Skipf("npm ci for the Square SDK check failed (offline?): %v\n%s", err, outp)
	}
	// Publish the finished install atomically; a concurrent run may have
	// won the race, in which case its install is used.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(modules, "square", "package.json")); statErr != nil {
			t.Fatalf("publish the SDK install: %v", err)
		}
	}
	return modules
}
