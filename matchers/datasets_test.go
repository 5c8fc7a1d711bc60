package matchers_test

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// dataDir returns ../shared/data beside the repository root. The data sets
// are not part of the repository: without them the test is skipped, or
// fails when ACCORD_TEST_REQUIRE is set (CI always has them).
func dataDir(tb testing.TB) string {
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
		tb.Skipf("shared data sets not found at %s; skipping the quality test", data)
	}
	return data
}

// dataset is a labelled file loaded as customers: entity[i] names the real
// customer behind customers[i].
type dataset struct {
	name      string
	customers []engine.Customer
	entity    []string
}

// loadDataset reads a CSV file, mapping columns through mapping (column →
// field) and matchers.ColumnField, taking the id from idCol and the truth
// from truthCol (through truth, which extracts the entity).
func loadDataset(tb testing.TB, path, idCol, truthCol string, mapping map[string]string, truth func(string) string) dataset {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	ds := dataset{name: filepath.Base(path)}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		var c engine.Customer
		for i, col := range header {
			v := strings.TrimSpace(row[i])
			if col == idCol {
				c.ID = v
			}
			if col == truthCol {
				ds.entity = append(ds.entity, truth(v))
			}
			switch col {
			case idCol, truthCol:
			default:
				field, ok := mapping[col]
				if !ok {
					field = matchers.ColumnField(col)
				}
				if field != "" {
					matchers.SetColumn(&c, field, v)
				}
			}
		}
		ds.customers = append(ds.customers, c)
	}
	return ds
}

var febrlEntity = regexp.MustCompile(`rec-(\d+)`)

func loadFebrl(tb testing.TB, n int) dataset {
	tb.Helper()
	path := filepath.Join(dataDir(tb), "febrl", "dataset"+string(rune('0'+n))+".csv")
	return loadDataset(tb, path, "rec_id", "rec_id", nil, func(v string) string { return febrlEntity.FindStringSubmatch(v)[1] })
}

func loadFake1000(tb testing.TB) dataset {
	tb.Helper()
	return loadDataset(tb, filepath.Join(dataDir(tb), "splink", "fake_1000.csv"), "unique_id", "cluster", nil, identity)
}

func loadRestaurants(tb testing.TB) dataset {
	tb.Helper()
	ds := loadDataset(tb, filepath.Join(dataDir(tb), "restaurant", "restaurant.csv"), "", "class",
		map[string]string{"name": engine.FieldCompany, "type": ""}, func(v string) string { return strings.Trim(v, "'") })
	for i := range ds.customers {
		ds.customers[i].ID = "r" + strconv.Itoa(i)
	}
	return ds
}

func loadCSVExample(tb testing.TB) dataset {
	tb.Helper()
	return loadDataset(tb, filepath.Join(dataDir(tb), "dedupe", "csv_example_input_with_true_ids.csv"), "Id", "True Id",
		map[string]string{"Site name": engine.FieldCompany, "Address": engine.FieldLine1, "Zip": engine.FieldPostcode,
			"Phone": engine.FieldPhone, "Email Address": engine.FieldEmail}, identity)
}

func identity(s string) string { return s }
