// Package notifytest serves what notifications are delivered to, for
// tests: an in-process SMTP server (github.com/emersion/go-smtp) that keeps
// the messages it accepts.
package notifytest
