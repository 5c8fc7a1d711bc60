package square_test

import (
	"testing"

	"github.com/accordhq/accord/connectors/square/sim"
)

// BenchmarkPull100k pulls a 100,000-customer directory from the simulator
// over loopback HTTP: 1,000 SearchCustomers pages of 100, each decoded and
// mapped, as a first full run does.
func BenchmarkPull100k(b *testing.B) {
	sb := simSetup(b, sim.Options{Customers: 100_000, Seed: 1}, nil)
	want := len(publicIDs(sb.sim))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, _ := run(b, sb.client, "", nil)
		if len(got) != want {
			b.Fatalf("pulled %d customers, want %d", len(got), want)
		}
	}
	b.ReportMetric(float64(want), "customers/op")
}
