package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// matchOpts are the flags of accord match.
type matchOpts struct {
	local, upstream, dedupe string
	id, out, region         string
	maps                    []string
	suggest                 float64
}

func (a *app) matchCommand() *cobra.Command {
	var o matchOpts
	cmd := &cobra.Command{
		Use:   "match (--local A.csv --upstream B.csv | --dedupe A.csv)",
		Short: "Match two customer exports, or find duplicates in one, offline",
		Long: `match reads customer exports as CSV and writes the pairs accord would link
or suggest, without connecting to anything: with --local and --upstream it
links the two files, with --dedupe it finds duplicates within one.

Columns with obvious names (first_name, given_name, surname, email, dob,
postcode, zip, phone, suburb, city, address_1, soc_sec_id, ...) are
recognised; name others with --map COLUMN=FIELD (for example
--map "Site name=company,Zip=address.postcode"), or ignore one with
COLUMN=-.

The output is CSV with the header local_id,upstream_id,score,decision,reasons
(left_id,right_id,... with --dedupe). decision "auto" is what the
deterministic tiers decide alone (same external id, email or account code,
unambiguous); "suggest" is a fuzzy match for a person to review. reasons
lists each field's contribution in bits.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return &usageError{err}
			}
			return a.runMatch(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.local, "local", "", "CSV export of the local side")
	f.StringVar(&o.upstream, "upstream", "", "CSV export of the upstream side")
	f.StringVar(&o.dedupe, "dedupe", "", "CSV export to deduplicate")
	f.StringVar(&o.id, "id", "id", "column holding the record id")
	f.StringSliceVar(&o.maps, "map", nil, "COLUMN=FIELD mappings, comma-separated")
	f.StringVar(&o.out, "out", "", "write the pairs here instead of standard output")
	f.StringVar(&o.region, "region", "US", "ISO country code for phone numbers written without one")
	f.Float64Var(&o.suggest, "threshold", matchers.DefaultSuggest, "match probability at or above which a pair is suggested")
	return cmd
}

func (o matchOpts) check() error {
	switch {
	case o.dedupe != "" && (o.local != "" || o.upstream != ""):
		return errors.New("use either --dedupe or --local with --upstream, not both")
	case o.dedupe == "" && (o.local == "" || o.upstream == ""):
		return errors.New("need --local and --upstream, or --dedupe")
	case o.suggest <= 0 || o.suggest > 1:
		return fmt.Errorf("--threshold %v: want a probability in (0, 1]", o.suggest)
	}
	return nil
}

// matchRow is one output line.
type matchRow struct {
	a, b     string
	score    float64
	decision string
	reasons  string
}

func (a *app) runMatch(o matchOpts) error {
	m, err := parseColumnMap(o.maps)
	if err != nil {
		return &usageError{err}
	}
	norm, err := matchers.NewNormalizer(o.region)
	if err != nil {
		return &usageError{fmt.Errorf("--region: %w", err)}
	}
	var rows []matchRow
	header := []string{"local_id", "upstream_id"}
	if o.dedupe != "" {
		header = []string{"left_id", "right_id"}
		cs, err := readCustomers(o.dedupe, o.id, m)
		if err != nil {
			return err
		}
		rows = dedupeRows(cs, norm, o.suggest)
	} else {
		local, err := readCustomers(o.local, o.id, m)
		if err != nil {
			return err
		}
		upstream, err := readCustomers(o.upstream, o.id, m)
		if err != nil {
			return err
		}
		rows = linkRows(local, upstream, norm, o.suggest)
	}
	return a.writeMatches(o.out, append(header, "score", "decision", "reasons"), rows)
}

// linkRows decides two sides: the deterministic tiers' links, then the
// fuzzy suggestions among the records they left unlinked.
func linkRows(local, upstream []engine.Customer, norm *matchers.Normalizer, suggest float64) []matchRow {
	var rows []matchRow
	taken := map[engine.Ref]bool{}
	for _, l := range matchers.AutoLinks(local, upstream, norm) {
		taken[engine.Ref{Side: engine.Local, ID: l.LocalID}] = true
		taken[engine.Ref{Side: engine.Upstream, ID: l.UpstreamID}] = true
		rows = append(rows, matchRow{l.LocalID, l.UpstreamID, l.Evidence.Score, "auto", autoReasons(l.Tier, l.Evidence)})
	}
	res := matchers.Link(profilesOf(local, norm), profilesOf(upstream, norm), matchers.BatchOpts{Suggest: suggest, Taken: taken})
	for _, s := range res.Suggestions {
		rows = append(rows, matchRow{s.A, s.B, s.Probability, "suggest", s.Evidence.Note})
	}
	return rows
}

// dedupeRows finds duplicates on one side: pairs sharing an email or
// account code ("auto": exact evidence, though the engine still asks a
// person to pick the survivor), then fuzzy pairs within duplicate sets.
func dedupeRows(cs []engine.Customer, norm *matchers.Normalizer, suggest float64) []matchRow {
	var rows []matchRow
	done := matchers.PairSet{}
	byID := map[string]engine.Customer{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	for _, p := range matchers.SharedKeys(cs, norm) {
		done.Add(p[0], p[1])
		rows = append(rows, matchRow{p[0], p[1], 1, "auto", sharedReasons(byID[p[0]], byID[p[1]], norm)})
	}
	res := matchers.Dedupe(profilesOf(cs, norm), matchers.BatchOpts{Suggest: suggest})
	for _, s := range res.Suggestions {
		if !done.Has(s.A, s.B) {
			rows = append(rows, matchRow{s.A, s.B, s.Probability, "suggest", s.Evidence.Note})
		}
	}
	return rows
}

func profilesOf(cs []engine.Customer, norm *matchers.Normalizer) []*matchers.Profile {
	ps := make([]*matchers.Profile, len(cs))
	for i, c := range cs {
		ps[i] = norm.NewProfile(c)
	}
	return ps
}

func autoReasons(t engine.Tier, ev engine.Evidence) string {
	parts := []string{string(t)}
	for _, f := range ev.Fields {
		parts = append(parts, fmt.Sprintf("%s %q = %q", f.Field, f.Left, f.Right))
	}
	return strings.Join(parts, "; ")
}

func sharedReasons(a, b engine.Customer, norm *matchers.Normalizer) string {
	var parts []string
	ka, kb := norm.Keys(a), norm.Keys(b)
	if ka.Email != "" && ka.Email == kb.Email {
		parts = append(parts, fmt.Sprintf("same email %q = %q", a.Email, b.Email))
	}
	if ka.AccountCode != "" && ka.AccountCode == kb.AccountCode {
		parts = append(parts, fmt.Sprintf("same account_code %q = %q", a.AccountCode, b.AccountCode))
	}
	return strings.Join(parts, "; ")
}

// writeMatches writes the rows, auto first, then by score, as CSV to path
// or standard output.
func (a *app) writeMatches(path string, header []string, rows []matchRow) (err error) {
	slices.SortStableFunc(rows, func(x, y matchRow) int {
		if x.decision != y.decision {
			return strings.Compare(x.decision, y.decision) // "auto" < "suggest"
		}
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return 0
	})
	var w io.Writer = a.stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("match: %w", err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("match: %w", cerr)
			}
		}()
		w = f
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("match: write %s: %w", outName(path), err)
	}
	for _, r := range rows {
		if err := cw.Write([]string{r.a, r.b, strconv.FormatFloat(r.score, 'f', 4, 64), r.decision, r.reasons}); err != nil {
			return fmt.Errorf("match: write %s: %w", outName(path), err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("match: write %s: %w", outName(path), err)
	}
	return nil
}

func outName(path string) string {
	if path == "" {
		return "standard output"
	}
	return path
}
