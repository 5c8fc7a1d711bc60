package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// schedulerRole is the store election the scheduling replica wins.
const schedulerRole = "scheduler"

// scheduleRefresh is how often the scheduler re-reads the pairs' effective
// schedules, so that a change saved in the dashboard of any replica takes
// effect on the leader without a restart.
const scheduleRefresh = 15 * time.Second

// scheduler fires each pair's runs on its effective schedule in `accord
// serve`. Every replica keeps the same jobs, so each can tell the overview
// when a pair runs next, but only the replica elected through the store
// fires them. Each run still takes the pair lock: a tick that meets a run
// of another process (a "Run now", or a leader that has not yet noticed it
// lost its role) is skipped quietly.
type scheduler struct {
	ctx   context.Context // runs started by ticks live as long as this
	cron  gocron.Scheduler
	hub   *runHub
	db    *store.DB
	cfg   Config
	elect *store.Election
	log   *slog.Logger

	mu   sync.Mutex
	jobs map[string]pairJob // by pair

	stopOnce sync.Once
	stopped  chan struct{}
}

// pairJob is a pair's current job; job is nil when it runs on demand.
// asked is the schedule as last read, which differs from spec when a saved
// schedule could not be used.
type pairJob struct {
	asked, spec string
	job         gocron.Job
}

// startScheduler validates the configured schedules, joins the election
// and schedules every pair. It stops when ctx ends or stop is called; the
// runs it starts live on runCtx, the hub's, which serve ends after the
// server.
func startScheduler(ctx, runCtx context.Context, cfg Config, db *store.DB, hub *runHub, log *slog.Logger) (*scheduler, error) {
	if err := validateSchedules(cfg); err != nil {
		return nil, err
	}
	s := &scheduler{ctx: runCtx, hub: hub, db: db, cfg: cfg, log: log, jobs: map[string]pairJob{},
		stopped: make(chan struct{})}
	s.elect = db.Elect(ctx, schedulerRole, store.ElectOpts{OnChange: func(leader bool) {
		if leader {
			log.Info("this process fires the scheduled runs")
		} else {
			log.Info("this process no longer fires the scheduled runs; another replica will")
		}
	}})
	cron, err := gocron.NewScheduler(gocron.WithLocation(cfg.location()), gocron.WithDistributedElector(s.elect))
	if err != nil {
		_ = s.elect.Resign(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s.cron = cron
	s.refresh(ctx)
	cron.Start()
	go s.watch(ctx)
	return s, nil
}

// watch re-reads the schedules until ctx ends, then stops the scheduler.
func (s *scheduler) watch(ctx context.Context) {
	t := time.NewTicker(scheduleRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.stop()
			return
		case <-s.stopped:
			return
		case <-t.C:
			s.refresh(ctx)
		}
	}
}

// stop fires no more ticks and gives the role up for a standby. Runs
// already started go on; serve waits for them through the hub.
func (s *scheduler) stop() {
	s.stopOnce.Do(func() {
		close(s.stopped)
		if err := s.cron.Shutdown(); err != nil {
			s.log.Warn("stop the scheduler", "err", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.elect.Resign(ctx); err != nil {
			s.log.Warn("give up the scheduler role", "err", err)
		}
	})
}

// refresh brings every pair's job in line with its effective schedule:
// the configuration, overridden by the dashboard's settings.
func (s *scheduler) refresh(ctx context.Context) {
	for _, p := range s.cfg.Pairs {
		if _, ok := s.hub.pair(p.Name); !ok {
			continue
		}
		spec := p.Schedule
		if eff, err := withOverrides(ctx, s.db, p); err != nil {
			s.log.Warn("read the dashboard's schedule; keeping the current one", "pair", p.Name, "err", err)
			s.mu.Lock()
			_, known := s.jobs[p.Name]
			s.mu.Unlock()
			if known {
				continue
			}
		} else {
			spec = eff.Schedule
		}
		s.reschedule(p, spec)
	}
}

// reschedule replaces the pair's job when its schedule changed. A saved
// schedule the scheduler cannot read falls back to the configured one,
// which start-up validated.
func (s *scheduler) reschedule(p PairConfig, spec string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, known := s.jobs[p.Name]
	if known && cur.asked == spec {
		return
	}
	sch, err := parseSchedule(spec, s.cfg.location())
	if err != nil {
		s.log.Error("the dashboard's schedule cannot be used; keeping the configured one", "pair", p.Name, "err", err)
		if sch, err = parseSchedule(p.Schedule, s.cfg.location()); err != nil {
			return
		}
	}
	if known && cur.spec == sch.spec {
		s.jobs[p.Name] = pairJob{asked: spec, spec: cur.spec, job: cur.job}
		return
	}
	if cur.job != nil {
		if err := s.cron.RemoveJob(cur.job.ID()); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
			s.log.Warn("remove the old schedule", "pair", p.Name, "err", err)
		}
	}
	s.jobs[p.Name] = pairJob{asked: spec, spec: sch.spec}
	if sch.onDemand() {
		s.log.Info("pair runs on demand only", "pair", p.Name)
		return
	}
	def, opts := sch.definition(time.Now())
	opts = append(opts, gocron.WithName("pair "+p.Name), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	job, err := s.cron.NewJob(def, gocron.NewTask(s.tick, p.Name), opts...)
	if err != nil {
		s.log.Error("schedule the pair", "pair", p.Name, "schedule", sch.spec, "err", err)
		return
	}
	s.jobs[p.Name] = pairJob{asked: spec, spec: sch.spec, job: job}
	s.log.Info("pair scheduled", "pair", p.Name, "schedule", sch.spec)
}

// tick starts a scheduled run of pair. A pair already running, here or in
// another process, is not an error: that run does the work.
func (s *scheduler) tick(pair string) {
	id, err := s.hub.StartRun(s.ctx, pair, "schedule")
	switch {
	case errors.Is(err, engine.ErrLocked):
		s.log.Debug("scheduled run skipped: the pair is running already", "pair", pair, "err", err)
	case err != nil && s.ctx.Err() != nil:
		// Shutting down: the run was refused for that, nothing to report.
	case err != nil:
		s.log.Error("scheduled run did not start", "pair", pair, "err", err)
	default:
		s.log.Debug("scheduled run started", "pair", pair, "run_id", id)
	}
}

// nextRun is when pair runs next on its schedule; false when it runs on
// demand only.
func (s *scheduler) nextRun(pair string) (time.Time, bool) {
	s.mu.Lock()
	j := s.jobs[pair].job
	s.mu.Unlock()
	if j == nil {
		return time.Time{}, false
	}
	t, err := j.NextRun()
	return t, err == nil && !t.IsZero()
}
