package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// sparseTrace passes gorm's per-statement trace on only when it will be
// logged: a failed or slow statement. gorm's slog logger renders every
// statement with its arguments inlined before deciding whether to log it,
// which for the store's multi-row inserts and long IN lists cost about a
// twentieth of a bulk run's CPU.
type sparseTrace struct {
	logger.Interface
	slow time.Duration
	all  bool // Info level: every statement is logged
}

func (l sparseTrace) LogMode(level logger.LogLevel) logger.Interface {
	return sparseTrace{Interface: l.Interface.LogMode(level), slow: l.slow, all: level >= logger.Info}
}

func (l sparseTrace) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	failed := err != nil && !errors.Is(err, gorm.ErrRecordNotFound)
	if l.all || failed || (l.slow > 0 && time.Since(begin) > l.slow) {
		l.Interface.Trace(ctx, begin, fc, err)
	}
}
