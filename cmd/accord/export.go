package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// exportKinds are the tables `accord export` writes, in the order the demo
// writes them.
var exportKinds = []string{"links", "suggestions", "conflicts", "duplicates", "runs"}

// exportPage is how many rows are read per query, so a million links are
// exported in bounded memory.
const exportPage = 1000

// exporter writes one kind of row as CSV or as a JSON array.
type exporter struct {
	header []string
	fetch  func(ctx context.Context, offset int) ([][]any, error)
}

func newExporter(db *store.DB, kind, pair string) (exporter, error) {
	switch kind {
	case "links":
		return exporter{
			header: []string{"id", "pair", "local_id", "upstream_id", "method", "state", "evidence", "created_by", "created_at"},
			fetch: func(ctx context.Context, off int) ([][]any, error) {
				ls, _, err := db.FindLinks(ctx, store.LinkFilter{Pair: pair, Limit: exportPage, Offset: off})
				rows := make([][]any, len(ls))
				for i, l := range ls {
					rows[i] = []any{l.ID, l.Pair, l.LocalID, l.UpstreamID, l.Method, l.State, evidenceText(l.Evidence), l.CreatedBy, stamp(l.CreatedAt)}
				}
				return rows, err
			}}, nil
	case "suggestions":
		return exporter{
			header: []string{"id", "pair", "local_id", "upstream_id", "score", "reason", "status", "evidence", "created_at", "decided_by", "decided_at"},
			fetch: func(ctx context.Context, off int) ([][]any, error) {
				ss, _, err := db.FindSuggestions(ctx, store.SuggestionFilter{Pair: pair, Limit: exportPage, Offset: off})
				rows := make([][]any, len(ss))
				for i, s := range ss {
					rows[i] = []any{s.ID, s.Pair, s.LocalID, s.UpstreamID, s.Score, s.Reason, s.Status, evidenceText(s.Evidence), stamp(s.CreatedAt), s.DecidedBy, stamp(s.DecidedAt)}
				}
				return rows, err
			}}, nil
	case "conflicts":
		return exporter{
			header: []string{"id", "pair", "link_id", "local_id", "upstream_id", "field", "local_value", "upstream_value", "status", "resolution", "created_at"},
			fetch: func(ctx context.Context, off int) ([][]any, error) {
				cs, _, err := db.FindConflicts(ctx, store.ConflictFilter{Pair: pair, Limit: exportPage, Offset: off})
				rows := make([][]any, len(cs))
				for i, c := range cs {
					rows[i] = []any{c.ID, c.Pair, c.LinkID, c.LocalID, c.UpstreamID, c.Field, c.LocalValue, c.UpstreamValue, c.Status, c.Resolution, stamp(c.CreatedAt)}
				}
				return rows, err
			}}, nil
	case "duplicates":
		return exporter{
			header: []string{"id", "pair", "side", "members", "reason", "status", "survivor_id", "evidence", "created_at"},
			fetch: func(ctx context.Context, off int) ([][]any, error) {
				ds, _, err := db.FindDuplicateSets(ctx, store.DuplicateFilter{Pair: pair, Limit: exportPage, Offset: off})
				rows := make([][]any, len(ds))
				for i, d := range ds {
					rows[i] = []any{d.ID, d.Pair, d.Side, strings.Join(d.Members, " "), d.Reason, d.Status, d.SurvivorID, evidenceText(d.Evidence), stamp(d.CreatedAt)}
				}
				return rows, err
			}}, nil
	case "runs":
		return exporter{
			header: []string{"id", "pair", "status", "trigger", "dry_run", "started_at", "finished_at", "duration_ms", "api_calls",
				"pulled_upstream", "pulled_local", "changed_upstream", "changed_local", "counts", "held_reason", "error"},
			fetch: func(ctx context.Context, off int) ([][]any, error) {
				rs, _, err := db.FindRuns(ctx, store.RunFilter{Pair: pair, Limit: exportPage, Offset: off})
				rows := make([][]any, len(rs))
				for i, r := range rs {
					rows[i] = []any{r.ID, r.Pair, r.Status, r.Trigger, r.DryRun, stamp(r.StartedAt), stamp(r.FinishedAt),
						r.FinishedAt.Sub(r.StartedAt).Milliseconds(), r.APICalls, r.Pulled[engine.Upstream], r.Pulled[engine.Local],
						r.Changed[engine.Upstream], r.Changed[engine.Local], countsText(r.Counts), r.HeldReason, r.Error}
				}
				return rows, err
			}}, nil
	}
	return exporter{}, &usageError{fmt.Errorf("unknown export %q (one of %s)", kind, strings.Join(exportKinds, ", "))}
}

// write streams every row to w as csv or json.
func (e exporter) write(ctx context.Context, w io.Writer, format string) error {
	cw := csv.NewWriter(w)
	if format == "csv" {
		if err := cw.Write(e.header); err != nil {
			return err
		}
	} else if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	n := 0
	for off := 0; ; off += exportPage {
		rows, err := e.fetch(ctx, off)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		for _, row := range rows {
			if format == "csv" {
				rec := make([]string, len(row))
				for i, v := range row {
					rec[i] = fmt.Sprint(v)
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
				continue
			}
			obj := make(map[string]any, len(row))
			for i, v := range row {
				obj[e.header[i]] = v
			}
			b, err := json.Marshal(obj)
			if err != nil {
				return err
			}
			sep := ",\n"
			if n == 0 {
				sep = "\n"
			}
			if _, err := io.WriteString(w, sep+string(b)); err != nil {
				return err
			}
			n++
		}
		if len(rows) < exportPage {
			break
		}
	}
	if format == "csv" {
		cw.Flush()
		return cw.Error()
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

// exportAll writes every kind as CSV into dir and returns the file paths.
func exportAll(ctx context.Context, db *store.DB, pair, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var files []string
	for _, kind := range exportKinds {
		e, err := newExporter(db, kind, pair)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, kind+".csv")
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		err = e.write(ctx, f, "csv")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", kind, err)
		}
		files = append(files, path)
	}
	return files, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// evidenceText renders evidence on one line: the rule, the score and the
// values that decided it.
func evidenceText(e engine.Evidence) string {
	var b strings.Builder
	b.WriteString(e.Rule)
	if e.Score != 0 {
		fmt.Fprintf(&b, " %.2f", e.Score)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %q | %q", f.Field, f.Left, f.Right)
	}
	if e.Note != "" {
		b.WriteString("; " + e.Note)
	}
	return b.String()
}

func countsText(c engine.Counts) string {
	var parts []string
	for _, k := range c.Kinds() {
		for _, r := range c.Reasons(k) {
			parts = append(parts, fmt.Sprintf("%s/%s=%d", k, r, c.Get(k, r)))
		}
	}
	return strings.Join(parts, " ")
}
