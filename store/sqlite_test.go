package store_test

import (
	"testing"

	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) *store.DB { return storetest.OpenSQLite(t) })
}
