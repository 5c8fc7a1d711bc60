package store_test

import (
	"testing"

	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// TestPostgres runs the conformance suite on the server named by
// ACCORD_TEST_DATABASE_URL, each test in a schema of its own. It skips
// without the variable, unless ACCORD_TEST_REQUIRE contains "postgres".
func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.PostgresDSN(t) // skip or fail early, once, when there is no server
	storetest.Run(t, func(t *testing.T) *store.DB { return storetest.OpenPostgres(t) })
}
