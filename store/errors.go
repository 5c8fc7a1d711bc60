package store

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// translate maps gorm's errors to the engine's sentinels, keeping the
// original for the message. It is applied once, where an error leaves the
// store.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrNotFound), errors.Is(err, engine.ErrConflict),
		errors.Is(err, engine.ErrInvalid), errors.Is(err, engine.ErrLocked):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return engine.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%w: %w", engine.ErrConflict, err)
	case errors.Is(err, gorm.ErrCheckConstraintViolated), errors.Is(err, gorm.ErrForeignKeyViolated):
		return fmt.Errorf("%w: %w", engine.ErrInvalid, err)
	}
	return err
}

// wrapf adds context to err after translating it; nil stays nil.
func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: "+format+": %w", append(args, translate(err))...)
}

// notFound is the error of a lookup by id that found nothing.
func notFound(what string, id any) error {
	return fmt.Errorf("store: %s %v: %w", what, id, engine.ErrNotFound)
}

// conflictf is the error of a decision that collides with existing state.
func conflictf(format string, args ...any) error {
	return fmt.Errorf("store: "+format+": %w", append(args, engine.ErrConflict)...)
}

// invalidf is the error of bad input; the message names the field.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("store: "+format+": %w", append(args, engine.ErrInvalid)...)
}
