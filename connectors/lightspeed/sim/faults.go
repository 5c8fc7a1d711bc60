package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Faults says what goes wrong with API requests. Each probability is in
// [0, 1] and is drawn independently per request, in the order 429, 500,
// timeout, truncate; the first that hits is injected. Draws come from a
// source seeded by Options.Seed, so a sequential run is reproducible.
//
// For writes (POST, PUT, DELETE) that get a 500, timeout or truncate, the
// write is applied first in half of the cases (also drawn from the seeded
// source): the client sees a failure either way and must find out from the
// change feed whether its write happened. An injected 429 never applies the
// write.
type Faults struct {
	// RateLimit ("429") answers 429 as if the rate limit were exhausted.
	RateLimit float64
	// ServerError ("500") answers 500 with the error body.
	ServerError float64
	// Timeout ("timeout") holds the request until Options.TimeoutHang
	// passes, the client gives up or the Server closes, then drops the
	// connection without a response.
	Timeout float64
	// Truncate ("truncate") sends the real status with the body cut in half.
	Truncate float64
	// Latency ("latency") delays every API request by this much.
	Latency time.Duration
}

// faultKeys are the ParseFaults keys, in draw order.
var faultKeys = [...]string{"429", "500", "timeout", "truncate"}

func (f *Faults) probs() [4]*float64 {
	return [4]*float64{&f.RateLimit, &f.ServerError, &f.Timeout, &f.Truncate}
}

// ParseFaults parses a comma-separated list of key=value pairs such as
// "429=0.05,500=0.02,timeout=0.01,truncate=0.01,latency=20ms". The keys are
// 429, 500, timeout and truncate with a probability in [0, 1], and latency
// with a time.Duration. An empty spec means no faults. An unknown or repeated
// key, or a bad value, gives an error that names the key.
func ParseFaults(spec string) (Faults, error) {
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
	for i, k := range faultKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// String formats f in the ParseFaults syntax, omitting zero values, so that
// ParseFaults(f.String()) == f. No faults is "".
func (f Faults) String() string {
	var parts []string
	for i, p := range f.probs() {
		if *p != 0 {
			parts = append(parts, faultKeys[i]+"="+strconv.FormatFloat(*p, 'g', -1, 64))
		}
	}
	if f.Latency != 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	return strings.Join(parts, ",")
}

func (f Faults) validate() error {
	for i, p := range f.probs() {
		if !(*p >= 0 && *p <= 1) {
			return fmt.Errorf("fault %q: %v is not a probability in [0, 1]", faultKeys[i], *p)
		}
	}
	if f.Latency < 0 {
		return fmt.Errorf("fault \"latency\": %v is negative", f.Latency)
	}
	return nil
}

// SetFaults replaces the injected faults from the next request on.
// Probabilities outside [0, 1] (and NaN) are clamped, a negative latency is
// taken as none.
func (s *Server) SetFaults(f Faults) {
	for _, p := range f.probs() {
		if math.IsNaN(*p) {
			*p = 0
		}
		*p = min(max(*p, 0), 1)
	}
	f.Latency = max(f.Latency, 0)
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.faults = f
}

type faultKind int

const (
	faultNone faultKind = iota
	fault429
	fault500
	faultTimeout
	faultTruncate
)

// drawFault decides the fault for one request, and for a failing write
// whether it is applied first.
func (s *Server) drawFault(f Faults, write bool) (kind faultKind, apply bool) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	for i, p := range f.probs() {
		if *p > 0 && s.frng.Float64() < *p {
			kind = faultKind(i + 1)
			break
		}
	}
	switch kind {
	case faultNone:
		return kind, false
	case fault429:
		s.stats.Faults.RateLimit++
	case fault500:
		s.stats.Faults.ServerError++
	case faultTimeout:
		s.stats.Faults.Timeout++
	case faultTruncate:
		s.stats.Faults.Truncate++
	}
	apply = write && kind != fault429 && s.frng.IntN(2) == 0
	return kind, apply
}
