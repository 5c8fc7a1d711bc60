package engine

// Step names a stage of a run, for progress reports.
type Step string

// Run stages.
const (
	StepPull  Step = "pull"
	StepMatch Step = "match"
	StepPlan  Step = "plan"
	StepApply Step = "apply"
	StepDone  Step = "done"
)

// Progress reports how far a run has got. Total is 0 when unknown (a pull
// does not know how many pages remain).
type Progress struct {
	RunID int64
	Step  Step
	Side  Side
	Done  int
	Total int
}

func (r *Reconciler) progress(p Progress) {
	if r.Progress != nil {
		r.Progress(p)
	}
}
