package sim

import "github.com/accordhq/accord/connectors/simfault"

// Faults says what goes wrong with API requests; see simfault.Faults. The
// draws come from a source seeded by Options.Seed, so a sequential run is
// reproducible.
type Faults = simfault.Faults

// ParseFaults parses a fault spec such as "429=0.05,500=0.02,latency=20ms";
// see simfault.Parse.
func ParseFaults(spec string) (Faults, error) { return simfault.Parse(spec) }

// SetFaults replaces the injected faults from the next request on.
// Probabilities outside [0, 1] (and NaN) are clamped, a negative latency is
// taken as none.
func (s *Server) SetFaults(f Faults) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.faults = f.Clamped()
}

// drawFault decides the fault for one request, and for a failing write
// whether it is applied first, and counts it.
func (s *Server) drawFault(f Faults, write bool) (simfault.Kind, bool) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	kind, apply := simfault.Draw(s.frng, f, write)
	switch kind {
	case simfault.RateLimit:
		s.stats.Faults.RateLimit++
	case simfault.ServerError:
		s.stats.Faults.ServerError++
	case simfault.Timeout:
		s.stats.Faults.Timeout++
	case simfault.Truncate:
		s.stats.Faults.Truncate++
	}
	return kind, apply
}
