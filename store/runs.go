package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// runRow is one execution of the pipeline for one pair.
type runRow struct {
	ID         int64 `gorm:"primaryKey"`
	Pair       string
	Status     string
	Trigger    string
	DryRun     bool
	StartedAt  time.Time
	FinishedAt *time.Time
	Counts     string
	Pulled     string
	Changed    string
	APICalls   int64 `gorm:"column:api_calls"`
	HeldReason string
	Error      string
}

func (runRow) TableName() string { return "runs" }

func runFromEngine(r engine.Run) runRow {
	counts := r.Counts
	if counts == nil {
		counts = engine.Counts{}
	}
	return runRow{
		ID: r.ID, Pair: r.Pair, Status: string(r.Status), Trigger: r.Trigger, DryRun: r.DryRun,
		StartedAt: ts(r.StartedAt), FinishedAt: nullTime(r.FinishedAt), Counts: countsDoc(counts),
		Pulled: sideCountsDoc(r.Pulled), Changed: sideCountsDoc(r.Changed), APICalls: r.APICalls,
		HeldReason: r.HeldReason, Error: r.Error,
	}
}

func (r runRow) toEngine() engine.Run {
	return engine.Run{
		ID: r.ID, Pair: r.Pair, Status: engine.RunStatus(r.Status), Trigger: r.Trigger, DryRun: r.DryRun,
		StartedAt: r.StartedAt.UTC(), FinishedAt: fromNull(r.FinishedAt), Counts: countsFrom(r.Counts),
		Pulled: sideCountsFrom(r.Pulled), Changed: sideCountsFrom(r.Changed), APICalls: r.APICalls,
		Error: r.Error, HeldReason: r.HeldReason,
	}
}

// CreateRun stores a new run and returns it with its id. A zero StartedAt
// is now; an empty Status is running.
func (db *DB) CreateRun(ctx context.Context, r engine.Run) (engine.Run, error) {
	if r.StartedAt.IsZero() {
		r.StartedAt = db.now()
	}
	if r.Status == "" {
		r.Status = engine.RunRunning
	}
	r.ID = 0
	row := runFromEngine(r)
	if err := db.orm(ctx).Create(&row).Error; err != nil {
		return engine.Run{}, wrapf(err, "create run of %s", r.Pair)
	}
	return row.toEngine(), nil
}

// FinishRun stores the final state of r (status, finish time, counts,
// calls, error, held reason). It fails with engine.ErrNotFound when there is
// no run r.ID.
func (db *DB) FinishRun(ctx context.Context, r engine.Run) error {
	if r.FinishedAt.IsZero() {
		r.FinishedAt = db.now()
	}
	row := runFromEngine(r)
	res := db.orm(ctx).Model(&runRow{}).Where("id = ?", r.ID).Updates(map[string]any{
		"status": row.Status, "finished_at": row.FinishedAt, "counts": row.Counts, "pulled": row.Pulled,
		"changed": row.Changed, "api_calls": row.APICalls, "held_reason": row.HeldReason, "error": row.Error,
		"dry_run": row.DryRun,
	})
	if res.Error != nil {
		return wrapf(res.Error, "finish run %d", r.ID)
	}
	if res.RowsAffected == 0 {
		return notFound("run", r.ID)
	}
	return nil
}

// FindRunByID returns a run, or an error wrapping engine.ErrNotFound.
func (db *DB) FindRunByID(ctx context.Context, id int64) (engine.Run, error) {
	var row runRow
	if err := db.orm(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return engine.Run{}, wrapf(err, "find run %d", id)
	}
	return row.toEngine(), nil
}

// RunFilter selects runs. Zero fields do not filter.
type RunFilter struct {
	Pair   string
	Status engine.RunStatus
	Limit  int
	Offset int
}

// FindRuns returns the runs that match f, newest first, and how many match
// in all.
func (db *DB) FindRuns(ctx context.Context, f RunFilter) ([]engine.Run, int, error) {
	q := db.orm(ctx).Model(&runRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "status = ?", string(f.Status))
	var rows []runRow
	total, err := page(q, "id DESC", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find runs")
	}
	out := make([]engine.Run, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, total, nil
}

// outcomeRow is what one run did with one record.
type outcomeRow struct {
	ID       int64 `gorm:"primaryKey"`
	RunID    int64
	Pair     string
	Side     string
	RecordID string
	Kind     string
	Reason   string
	Detail   string
	At       time.Time
}

func (outcomeRow) TableName() string { return "run_outcomes" }

func (r outcomeRow) toEngine() engine.Outcome {
	return engine.Outcome{RunID: r.RunID, Pair: r.Pair, Side: engine.Side(r.Side), RecordID: r.RecordID,
		Kind: engine.OutcomeKind(r.Kind), Reason: engine.Reason(r.Reason), Detail: r.Detail, At: r.At.UTC()}
}

// insertOutcomes stores outcomes in batches; a zero At is at.
func insertOutcomes(tx *gorm.DB, outs []engine.Outcome, at time.Time) error {
	if len(outs) == 0 {
		return nil
	}
	rows := make([]outcomeRow, len(outs))
	for i, o := range outs {
		when := o.At
		if when.IsZero() {
			when = at
		}
		rows[i] = outcomeRow{RunID: o.RunID, Pair: o.Pair, Side: string(o.Side), RecordID: o.RecordID,
			Kind: string(o.Kind), Reason: string(o.Reason), Detail: o.Detail, At: ts(when)}
	}
	return tx.CreateInBatches(&rows, rowsPerInsert(tx, 8)).Error
}

// AddOutcomes stores per-record outcomes, in one transaction.
func (db *DB) AddOutcomes(ctx context.Context, outs []engine.Outcome) error {
	if len(outs) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error { return insertOutcomes(tx, outs, db.now()) })
	return wrapf(err, "add %d outcomes", len(outs))
}

// OutcomeFilter selects outcomes. Zero fields do not filter.
type OutcomeFilter struct {
	RunID    int64
	Pair     string
	Side     engine.Side
	RecordID string
	Kind     engine.OutcomeKind
	Reason   engine.Reason
	Limit    int
	Offset   int
}

// FindOutcomes returns the outcomes that match f in the order they were
// stored, and how many match in all.
func (db *DB) FindOutcomes(ctx context.Context, f OutcomeFilter) ([]engine.Outcome, int, error) {
	q := db.orm(ctx).Model(&outcomeRow{})
	q = where(q, "run_id = ?", f.RunID)
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "side = ?", string(f.Side))
	q = where(q, "record_id = ?", f.RecordID)
	q = where(q, "kind = ?", string(f.Kind))
	q = where(q, "reason = ?", string(f.Reason))
	var rows []outcomeRow
	total, err := page(q, "id", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find outcomes")
	}
	out := make([]engine.Outcome, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, total, nil
}
