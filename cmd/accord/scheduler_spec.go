package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// scheduleHelp is what a schedule may be, for error messages.
const scheduleHelp = "use a cron line of five fields (minute hour day month weekday), " +
	"a descriptor such as @hourly or @daily, @every with a duration such as @every 30s, or manual to run on demand only"

// scheduleManual is the schedule of a pair that runs only when asked (Run
// now, a webhook, the API): the configuration cannot say so with an empty
// schedule, which means the default.
const scheduleManual = "manual"

// schedule is a parsed pair schedule. A zero schedule runs on demand only.
type schedule struct {
	spec  string
	every time.Duration // for @every; otherwise a cron line
}

// parseSchedule reads a pair's schedule. Cron lines are read in loc, the
// merchant's time zone, so that @daily means the shop's midnight.
func parseSchedule(spec string, loc *time.Location) (schedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == scheduleManual {
		return schedule{}, nil
	}
	if rest, ok := strings.CutPrefix(spec, "@every"); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil || d < time.Second {
			return schedule{}, fmt.Errorf("%q: @every needs a duration of a second or more: %s", spec, scheduleHelp)
		}
		return schedule{spec: spec, every: d}, nil
	}
	if err := gocron.NewDefaultCron(false).IsValid(spec, loc, time.Now()); err != nil {
		return schedule{}, fmt.Errorf("%q: %s: %w", spec, scheduleHelp, unwrapCron(err))
	}
	return schedule{spec: spec}, nil
}

// unwrapCron drops gocron's generic "cron job parse" sentinel and keeps
// the parser's reason.
func unwrapCron(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !errors.Is(e, gocron.ErrCronJobParse) {
				return e
			}
		}
	}
	return err
}

// onDemand reports whether the pair runs only when asked.
func (s schedule) onDemand() bool { return s.spec == "" }

// definition is the gocron job for the schedule. An @every schedule fires
// on fixed multiples of its interval (time.Truncate's grid) rather than
// counting from this process's start, so every replica computes the same
// next run and the overview of a standby shows the leader's timing.
func (s schedule) definition(now time.Time) (gocron.JobDefinition, []gocron.JobOption) {
	if s.every == 0 {
		return gocron.CronJob(s.spec, false), nil
	}
	start := now.Truncate(s.every).Add(s.every)
	if start.Sub(now) < 50*time.Millisecond {
		start = start.Add(s.every) // gocron refuses a start already past
	}
	return gocron.DurationJob(s.every), []gocron.JobOption{gocron.WithStartAt(gocron.WithStartDateTime(start))}
}

// validateSchedules checks every configured schedule at start-up, so that
// a typo fails `accord serve` with the pair and field named instead of
// silently never running.
func validateSchedules(cfg Config) error {
	var errs []error
	for _, p := range cfg.Pairs {
		if _, err := parseSchedule(p.Schedule, cfg.location()); err != nil {
			errs = append(errs, fmt.Errorf("pairs.%s.schedule: %w", p.Name, err))
		}
	}
	if len(errs) > 0 {
		return configErrorf("config: %w", errors.Join(errs...))
	}
	return nil
}
