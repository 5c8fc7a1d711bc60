package simfault

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Faults says what goes wrong with API requests. Each probability is in
// [0, 1] and is drawn independently per request, in the order 429, 500,
// timeout, truncate; the first that hits is injected.
//
// For writes that get a 500, timeout or truncate, the write is applied
// first in half of the cases: the client sees a failure either way and must
// find out, from the change feed or through an idempotency key, whether its
// write happened. An injected 429 never applies the write.
type Faults struct {
	// RateLimit ("429") answers 429 as if the rate limit were exhausted.
	RateLimit float64
	// ServerError ("500") answers 500 with the provider's error body.
	ServerError float64
	// Timeout ("timeout") holds the request until the simulator's hang
	// time passes, the client gives up or the server closes, then drops
	// the connection without a response.
	Timeout float64
	// Truncate ("truncate") sends the real status with the body cut in half.
	Truncate float64
	// Latency ("latency") delays every API request by this much.
	Latency time.Duration
}

// keys are the Parse keys, in draw order.
var keys = [...]string{"429", "500", "timeout", "truncate"}

func (f *Faults) probs() [4]*float64 {
	return [4]*float64{&f.RateLimit, &f.ServerError, &f.Timeout, &f.Truncate}
}

// Parse parses a comma-separated list of key=value pairs such as
// "429=0.05,500=0.02,timeout=0.01,truncate=0.01,latency=20ms". The keys are
// 429, 500, timeout and truncate with a probability in [0, 1], and latency
// with a time.Duration. An empty spec means no faults. An unknown or
// repeated key, or a bad value, gives an error that names the key.
func Parse(spec string) (Faults, error) {
	var f Faults
	seen := map[string]bool{}
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok {
			return Faults{}, fmt.Errorf("sim: fault %q: want key=value", key)
		}
		if seen[key] {
			return Faults{}, fmt.Errorf("sim: fault %q: given twice", key)
		}
		seen[key] = true
		if key == "latency" {
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 {
				return Faults{}, fmt.Errorf("sim: fault %q: %q is not a non-negative duration", key, val)
			}
			f.Latency = d
			continue
		}
		i := indexOf(key)
		if i < 0 {
			return Faults{}, fmt.Errorf("sim: unknown fault %q (want 429, 500, timeout, truncate or latency)", key)
		}
		p, err := strconv.ParseFloat(val, 64)
		if err != nil || !(p >= 0 && p <= 1) {
			return Faults{}, fmt.Errorf("sim: fault %q: %q is not a probability in [0, 1]", key, val)
		}
		*f.probs()[i] = p
	}
	return f, nil
}

func indexOf(key string) int {
	for i, k := range keys {
		if k == key {
			return i
		}
	}
	return -1
}

// String formats f in the Parse syntax, omitting zero values, so that
// Parse(f.String()) == f. No faults is "".
func (f Faults) String() string {
	var parts []string
	for i, p := range f.probs() {
		if *p != 0 {
			parts = append(parts, keys[i]+"="+strconv.FormatFloat(*p, 'g', -1, 64))
		}
	}
	if f.Latency != 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	return strings.Join(parts, ",")
}

// Validate reports the first probability outside [0, 1] or a negative
// latency, naming its key.
func (f Faults) Validate() error {
	for i, p := range f.probs() {
		if !(*p >= 0 && *p <= 1) {
			return fmt.Errorf("fault %q: %v is not a probability in [0, 1]", keys[i], *p)
		}
	}
	if f.Latency < 0 {
		return fmt.Errorf("fault \"latency\": %v is negative", f.Latency)
	}
	return nil
}

// Clamped returns f with probabilities clamped to [0, 1] (NaN taken as 0)
// and a negative latency taken as none, for setters that must not fail.
func (f Faults) Clamped() Faults {
	for _, p := range f.probs() {
		if math.IsNaN(*p) {
			*p = 0
		}
		*p = min(max(*p, 0), 1)
	}
	f.Latency = max(f.Latency, 0)
	return f
}

// Kind is the fault injected into one request.
type Kind int

// The kinds, in draw order after None.
const (
	None Kind = iota
	RateLimit
	ServerError
	Timeout
	Truncate
)

// Draw decides the fault for one request from rng, and for a failing write
// whether it is applied first. The caller holds whatever lock guards rng.
func Draw(rng *rand.Rand, f Faults, write bool) (kind Kind, apply bool) {
	for i, p := range f.probs() {
		if *p > 0 && rng.Float64() < *p {
			kind = Kind(i + 1)
			break
		}
	}
	if kind == None {
		return None, false
	}
	return kind, write && kind != RateLimit && rng.IntN(2) == 0
}
