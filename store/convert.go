package store

import (
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// inChunk bounds the values bound into one IN list, well under SQLite's
// 32766 and Postgres's 65535 parameters per statement.
const inChunk = 900

// rowsPerInsert sizes multi-row INSERTs of rows with cols columns. The
// SQLite driver binds each parameter by scanning the argument list, which is
// quadratic in the parameters of one statement, so SQLite gets short
// statements (a few hundred parameters; it has no round trips to save).
// Postgres gets long ones, under its 65535-parameter limit, to save round
// trips.
func rowsPerInsert(tx *gorm.DB, cols int) int {
	if tx.Dialector.Name() == "postgres" {
		return max(1, 16000/cols)
	}
	return max(1, 400/cols)
}

// ts is the form every time is written in: UTC (so SQLite text sorts in
// time order) at microseconds (Postgres's precision, so both round-trip the
// same value).
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime writes the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := ts(t)
	return &v
}

// fromNull reads a nullable time; NULL is the zero time.
func fromNull(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

// nullStr writes "" as NULL (the missing id of a pending link).
func nullStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func fromNullStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// distinct drops empty strings and repeats, so IN lists stay short and
// never match records whose key is empty.
func distinct(values []string) []string {
	out := make([]string, 0, len(values))
	seen := make(map[string]struct{}, len(values))
	for _, v := range values {
		if v == "" {
			continue
		}
		if _, ok := seen[v]; ok {
			continue
		}
		seen[v] = struct{}{}
		out = append(out, v)
	}
	return out
}

// chunks splits values for IN lists.
func chunks[T any](values []T, n int) [][]T {
	return slices.Collect(slices.Chunk(values, n))
}

// The JSON forms below are the store's own: the engine's types carry no
// tags, and these keep the stored documents stable when fields are renamed
// in Go.

type evidenceJSON struct {
	Rule   string          `json:"rule,omitempty"`
	Score  float64         `json:"score,omitempty"`
	Fields []fieldEvidJSON `json:"fields,omitempty"`
	Note   string          `json:"note,omitempty"`
}

type fieldEvidJSON struct {
	Field  string  `json:"field"`
	Left   string  `json:"left"`
	Right  string  `json:"right"`
	Weight float64 `json:"weight,omitempty"`
}

func evidenceDoc(e engine.Evidence) string {
	d := evidenceJSON{Rule: e.Rule, Score: e.Score, Note: e.Note}
	for _, f := range e.Fields {
		d.Fields = append(d.Fields, fieldEvidJSON(f))
	}
	return mustJSON(d)
}

func evidenceFrom(doc string) engine.Evidence {
	var d evidenceJSON
	_ = json.Unmarshal([]byte(doc), &d)
	e := engine.Evidence{Rule: d.Rule, Score: d.Score, Note: d.Note}
	for _, f := range d.Fields {
		e.Fields = append(e.Fields, engine.FieldEvidence(f))
	}
	return e
}

type baselineJSON struct {
	Local    string `json:"local"`
	Upstream string `json:"upstream"`
}

func baselineDoc(b map[string]engine.Baseline) string {
	d := make(map[string]baselineJSON, len(b))
	for k, v := range b {
		d[k] = baselineJSON(v)
	}
	return mustJSON(d)
}

func baselineFrom(doc string) map[string]engine.Baseline {
	var d map[string]baselineJSON
	_ = json.Unmarshal([]byte(doc), &d)
	b := make(map[string]engine.Baseline, len(d))
	for k, v := range d {
		b[k] = engine.Baseline(v)
	}
	return b
}

type customerJSON struct {
	ID          string    `json:"id"`
	Email       string    `json:"email,omitempty"`
	FirstName   string    `json:"first_name,omitempty"`
	LastName    string    `json:"last_name,omitempty"`
	Company     string    `json:"company,omitempty"`
	Phone       string    `json:"phone,omitempty"`
	Mobile      string    `json:"mobile,omitempty"`
	AccountCode string    `json:"account_code,omitempty"`
	ExternalRef string    `json:"external_ref,omitempty"`
	Line1       string    `json:"line1,omitempty"`
	Line2       string    `json:"line2,omitempty"`
	City        string    `json:"city,omitempty"`
	State       string    `json:"state,omitempty"`
	Postcode    string    `json:"postcode,omitempty"`
	Country     string    `json:"country,omitempty"`
	Birthday    string    `json:"birthday,omitempty"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version,omitempty"`
	Deleted     bool      `json:"deleted,omitempty"`
	Raw         []byte    `json:"raw,omitempty"`
}

func customerDoc(c engine.Customer) string {
	return mustJSON(customerJSON{
		ID: c.ID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName, Company: c.Company,
		Phone: c.Phone, Mobile: c.Mobile, AccountCode: c.AccountCode, ExternalRef: c.ExternalRef,
		Line1: c.Address.Line1, Line2: c.Address.Line2, City: c.Address.City, State: c.Address.State,
		Postcode: c.Address.Postcode, Country: c.Address.Country, Birthday: c.Birthday,
		UpdatedAt: ts(c.UpdatedAt), Version: c.Version, Deleted: c.Deleted, Raw: c.Raw,
	})
}

func customerFrom(doc string) engine.Customer {
	var d customerJSON
	_ = json.Unmarshal([]byte(doc), &d)
	var updated time.Time
	if !d.UpdatedAt.IsZero() {
		updated = d.UpdatedAt.UTC()
	}
	return engine.Customer{
		ID: d.ID, Email: d.Email, FirstName: d.FirstName, LastName: d.LastName, Company: d.Company,
		Phone: d.Phone, Mobile: d.Mobile, AccountCode: d.AccountCode, ExternalRef: d.ExternalRef,
		Address: engine.Address{Line1: d.Line1, Line2: d.Line2, City: d.City, State: d.State,
			Postcode: d.Postcode, Country: d.Country},
		Birthday: d.Birthday, UpdatedAt: updated, Version: d.Version, Deleted: d.Deleted, Raw: d.Raw,
	}
}

// sideCounts stores a per-side tally as {"local":n,"upstream":m}.
func sideCountsDoc(m map[engine.Side]int) string {
	d := make(map[string]int, len(m))
	for k, v := range m {
		d[string(k)] = v
	}
	return mustJSON(d)
}

func sideCountsFrom(doc string) map[engine.Side]int {
	var d map[string]int
	_ = json.Unmarshal([]byte(doc), &d)
	m := make(map[engine.Side]int, len(d))
	for k, v := range d {
		m[engine.Side(k)] = v
	}
	return m
}

func countsDoc(c engine.Counts) string {
	d := make(map[string]map[string]int, len(c))
	for k, rs := range c {
		m := make(map[string]int, len(rs))
		for r, n := range rs {
			m[string(r)] = n
		}
		d[string(k)] = m
	}
	return mustJSON(d)
}

func countsFrom(doc string) engine.Counts {
	var d map[string]map[string]int
	_ = json.Unmarshal([]byte(doc), &d)
	c := engine.Counts{}
	for k, rs := range d {
		for r, n := range rs {
			c.Add(engine.OutcomeKind(k), engine.Reason(r), n)
		}
	}
	return c
}

// mustJSON marshals values that cannot fail to marshal (no channels, funcs
// or cycles in these types).
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: marshal " + err.Error())
	}
	return string(b)
}
