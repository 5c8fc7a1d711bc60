package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes body to name in a new temporary directory.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readRows(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	return rows
}

func TestMatchLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Spaces after separators, a quoted field with a newline, a column
	// mapped with --map and one recognised by its name.
	local := writeFile(t, dir, "local.csv", `id, given_name, surname, email, dob, Town
1, Ann, Lee, ann@x.co, 1971-06-24, Auckland
2, Robert, Allen, , 19800101, "Welling-
ton"
3, Zed, Zulu, zed@x.co, , Hamilton
`)
	upstream := writeFile(t, dir, "upstream.csv", `id,first_name,last_name,email,date_of_birth,city
u1,Ann,Lee,ANN@x.co,1971-06-24,Auckland
u2,Bob,Allen,bob@y.co,1980-01-01,Wellington
u3,Zara,Zulu,,1955-02-03,Hamilton
`)
	code, out, errOut := runCLI(t, nil, "match", "--local", local, "--upstream", upstream, "--map", "Town=city")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := readRows(t, out)
	if got := strings.Join(rows[0], ","); got != "local_id,upstream_id,score,decision,reasons" {
		t.Fatalf("header %q", got)
	}
	byPair := map[string][]string{}
	for _, r := range rows[1:] {
		byPair[r[0]+"-"+r[1]] = r
	}
	if r := byPair["1-u1"]; r == nil || r[3] != "auto" || !strings.Contains(r[4], "email") {
		t.Errorf("1-u1 = %v, want an auto link by email", r)
	}
	r := byPair["2-u2"]
	if r == nil || r[3] != "suggest" {
		t.Fatalf("2-u2 = %v, want a suggestion (rows %v)", r, rows)
	}
	for _, want := range []string{"first_name nickname (Robert | Bob)", "last_name exact", "birthday exact", "(Welling-\nton | Wellington)"} {
		if !strings.Contains(r[4], want) {
			t.Errorf("reasons %q lack %q", r[4], want)
		}
	}
	if _, ok := byPair["3-u3"]; ok {
		t.Errorf("3-u3 suggested on a surname and city alone: %v", byPair["3-u3"])
	}
}

func TestMatchDedupe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", `cust,name,email,phone
a,Ann Lee,ann@x.co,021 555 0101
b,Anne Lee,ANN@x.co,
c,Ann Lee,,+64 21 555 0101
d,Bob Brown,bob@x.co,09 555 0199
`)
	out := filepath.Join(dir, "pairs.csv")
	code, _, errOut := runCLI(t, nil, "match", "--dedupe", in, "--id", "cust", "--region", "NZ", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows := readRows(t, string(b))
	if got := strings.Join(rows[0], ","); got != "left_id,right_id,score,decision,reasons" {
		t.Fatalf("header %q", got)
	}
	decisions := map[string]string{}
	for _, r := range rows[1:] {
		decisions[r[0]+r[1]] = r[3]
	}
	if decisions["ab"] != "auto" || decisions["ac"] != "suggest" {
		t.Errorf("decisions %v, want a-b auto (same email), a-c suggest (same name and phone)", decisions)
	}
	for pair := range decisions {
		if strings.Contains(pair, "d") {
			t.Errorf("d paired: %v", decisions)
		}
	}
}

func TestMatchErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "id,email\n1,a@x.co\n")
	noID := writeFile(t, dir, "noid.csv", "key,email\n1,a@x.co\n")
	badQuote := writeFile(t, dir, "bad.csv", "id,email\n1,a@x.co\n2,b\"x@y.co\n")
	dupID := writeFile(t, dir, "dup.csv", "id,email\n1,a@x.co\n 1 ,b@x.co\n")
	emptyID := writeFile(t, dir, "empty.csv", "email,id\na@x.co,\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no mode", []string{"match"}, exitUsage, "need --local and --upstream, or --dedupe"},
		{"both modes", []string{"match", "--dedupe", good, "--local", good}, exitUsage, "either --dedupe"},
		{"positional", []string{"match", "--dedupe", good, "extra"}, exitUsage, "accepts at most 0 arg"},
		{"bad map", []string{"match", "--dedupe", good, "--map", "email"}, exitUsage, `--map "email": want COLUMN=FIELD`},
		{"unknown field", []string{"match", "--dedupe", good, "--map", "email=shoe_size"}, exitUsage, `unknown field "shoe_size"`},
		{"bad region", []string{"match", "--dedupe", good, "--region", "ZZ"}, exitUsage, "--region"},
		{"threshold", []string{"match", "--dedupe", good, "--threshold", "2"}, exitUsage, "--threshold"},
		{"missing file", []string{"match", "--dedupe", filepath.Join(dir, "nope.csv")}, exitUsage, "nope.csv"},
		{"no id column", []string{"match", "--dedupe", noID}, exitUsage, noID + `:1: no id column "id"`},
		{"bad quote", []string{"match", "--dedupe", badQuote}, exitFailed, badQuote + ":3:4:"},
		{"duplicate id", []string{"match", "--dedupe", dupID}, exitFailed, dupID + `:3:2: id "1" already used on line 2`},
		{"empty id", []string{"match", "--dedupe", emptyID}, exitFailed, emptyID + `:2:8: empty id`},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, errOut, tt.code, tt.want)
		}
	}
}
