//go:build unix

package store

import (
	"errors"
	"syscall"
)

// processGone reports whether no process has id pid. Signal 0 checks
// existence without sending anything; EPERM means it exists under another
// user.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
