//go:build !unix

package store

// processGone cannot tell on this platform, so a lease of a dead process
// waits for its expiry.
func processGone(int) bool { return false }
