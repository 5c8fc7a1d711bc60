package store_test

import (
	"testing"

	"github.com/accordhq/accord/store/storetest"
)

func BenchmarkSQLiteSavePage(b *testing.B) { storetest.BenchSavePage(b, storetest.OpenSQLite(b)) }

func BenchmarkSQLiteFindRecordsByEmail(b *testing.B) {
	storetest.BenchFindRecordsByEmail(b, storetest.OpenSQLite(b))
}

func BenchmarkPostgresSavePage(b *testing.B) { storetest.BenchSavePage(b, storetest.OpenPostgres(b)) }

func BenchmarkPostgresFindRecordsByEmail(b *testing.B) {
	storetest.BenchFindRecordsByEmail(b, storetest.OpenPostgres(b))
}
