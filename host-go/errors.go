package leakguard

import (
	"strings"

	"github.com/leakguard/leakguard/host-go/plugin"
)

// Error is the error of every Scanner method: the operation that failed
// and why. The cause is kept, so errors.Is works with the sentinels below
// (which are the plugin host's) and errors.As reaches a [*plugin.Error]
// with its code and the engine's message.
type Error struct {
	// Op is the action or step that failed: "scan", "redact", "load rules"...
	Op string
	// Err is the cause.
	Err error
}

// Error reads "leakguard: <op>: <cause>" (the plugin host's errors already
// start with the action's name, which is then not repeated).
func (e *Error) Error() string {
	msg := e.Err.Error()
	if strings.HasPrefix(msg, e.Op+": ") {
		return "leakguard: " + msg
	}
	return "leakguard: " + e.Op + ": " + msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// The reasons a call fails, for errors.Is. They are the plugin host's
// sentinels, so either name matches.
var (
	// ErrBadRequest: the engine refused the input (for New: the rule file).
	ErrBadRequest = plugin.ErrBadRequest
	// ErrTooLarge: the input exceeds the engine's size limit.
	ErrTooLarge = plugin.ErrTooLarge
	// ErrInternal: the engine failed in a way the caller could not prevent.
	ErrInternal = plugin.ErrInternal
	// ErrTimeout: the call took longer than [WithTimeout] allows.
	ErrTimeout = plugin.ErrTimeout
	// ErrCancelled: the call's context was cancelled.
	ErrCancelled = plugin.ErrCancelled
	// ErrMemoryLimit: the engine instance hit [WithMemoryLimit].
	ErrMemoryLimit = plugin.ErrMemoryLimit
	// ErrTrap: the engine crashed; its instance was replaced.
	ErrTrap = plugin.ErrTrap
	// ErrClosed: the Scanner was closed.
	ErrClosed = plugin.ErrClosed
)
