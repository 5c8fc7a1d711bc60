package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/accordhq/accord/engine"
)

// progressReporter shows a run's progress: a bar on a terminal, otherwise a
// plain line per stage (and at most one a second within a stage), so logs
// stay readable.
type progressReporter struct {
	w        io.Writer
	terminal bool
	bar      *progressbar.ProgressBar
	stage    string
	last     engine.Progress
	printed  time.Time
}

func stageOf(p engine.Progress) string {
	if p.Side != "" {
		return fmt.Sprintf("%s %s", p.Step, p.Side)
	}
	return string(p.Step)
}

func (r *progressReporter) report(p engine.Progress) {
	stage := stageOf(p)
	if stage != r.stage {
		r.finishStage()
		r.stage = stage
		if r.terminal && p.Step != engine.StepDone {
			total := int64(p.Total)
			if total == 0 {
				total = -1 // a spinner: pulls do not know how much is left
			}
			r.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(r.w),
				progressbar.OptionSetDescription(stage), progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
	}
	r.last = p
	if r.bar != nil {
		if p.Total > 0 {
			r.bar.ChangeMax(p.Total)
		}
		_ = r.bar.Set(p.Done)
		return
	}
	if !r.terminal && p.Step != engine.StepDone && time.Since(r.printed) >= time.Second {
		r.line()
	}
}

func (r *progressReporter) line() {
	if r.last.Step == "" || r.last.Step == engine.StepDone || r.last.Step == engine.StepPlan {
		return
	}
	fmt.Fprintf(r.w, "%s: %d records\n", r.stage, r.last.Done)
	r.printed = time.Now()
}

func (r *progressReporter) finishStage() {
	if r.bar != nil {
		_ = r.bar.Finish()
		r.bar = nil
		fmt.Fprintf(r.w, "%s: %d records\n", r.stage, r.last.Done)
		return
	}
	if r.stage != "" && !r.terminal {
		r.line()
	}
}
