package simfault

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec    string
		want    Faults
		wantErr string // a key the error must name
	}{
		{spec: "", want: Faults{}},
		{spec: "429=0.05,500=0.02,timeout=0.01,truncate=0.01,latency=20ms",
			want: Faults{RateLimit: 0.05, ServerError: 0.02, Timeout: 0.01, Truncate: 0.01, Latency: 20 * time.Millisecond}},
		{spec: " 500 = 1 , ", want: Faults{ServerError: 1}},
		{spec: "truncate=0", want: Faults{}},
		{spec: "502=0.1", wantErr: `"502"`},
		{spec: "500=1.5", wantErr: `"500"`},
		{spec: "timeout=-0.1", wantErr: `"timeout"`},
		{spec: "429=NaN", wantErr: `"429"`},
		{spec: "truncate=lots", wantErr: `"truncate"`},
		{spec: "latency=fast", wantErr: `"latency"`},
		{spec: "latency=-1s", wantErr: `"latency"`},
		{spec: "timeout", wantErr: `"timeout"`},
		{spec: "500=0.1,500=0.2", wantErr: `"500"`},
	} {
		got, err := Parse(tc.spec)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%q) error = %v, want one naming %s", tc.spec, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
			continue
		}
		back, err := Parse(got.String())
		if err != nil || back != got {
			t.Errorf("round trip of %q via %q = %+v, %v", tc.spec, got.String(), back, err)
		}
	}
}

// TestDrawNeverAppliesA429 checks that a rate-limited write is never
// applied, while other failing writes are applied about half the time.
func TestDrawNeverAppliesA429(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		if kind, apply := Draw(rng, Faults{RateLimit: 1}, true); kind != RateLimit || apply {
			t.Fatalf("Draw with 429=1 = %v, %v", kind, apply)
		}
	}
	applied := 0
	for range 1000 {
		kind, apply := Draw(rng, Faults{ServerError: 1}, true)
		if kind != ServerError {
			t.Fatalf("Draw with 500=1 = %v", kind)
		}
		if apply {
			applied++
		}
	}
	if applied < 400 || applied > 600 {
		t.Errorf("%d of 1000 failing writes applied, want about half", applied)
	}
	if kind, apply := Draw(rng, Faults{ServerError: 1}, false); kind != ServerError || apply {
		t.Errorf("a failing read = %v, applied %v", kind, apply)
	}
	if kind, _ := Draw(rng, Faults{}, true); kind != None {
		t.Errorf("Draw with no faults = %v", kind)
	}
}

func TestClamped(t *testing.T) {
	t.Parallel()
	got := Faults{RateLimit: 2, ServerError: -1, Latency: -time.Second}.Clamped()
	if got != (Faults{RateLimit: 1}) {
		t.Errorf("Clamped = %+v", got)
	}
	if err := (Faults{Timeout: 1.5}).Validate(); err == nil || !strings.Contains(err.Error(), `"timeout"`) {
		t.Errorf("Validate = %v, want an error naming timeout", err)
	}
}
