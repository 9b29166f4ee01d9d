package plugin

import "strings"

// Code says why a call failed. It is stable and travels on the wire (event
// replies, CLI output) as the string itself.
//
// The first five are the guest's own, from the `error-code` enum of
// wit/action.wit; the rest are the host's, for failures the guest cannot
// report itself.
type Code string

// The guest's codes, in the order of the WIT enum.
const (
	// CodeUnknownAction: no action of that name is registered.
	CodeUnknownAction Code = "unknown-action"
	// CodeMalformed: the data is not well-formed JSON (or not UTF-8).
	CodeMalformed Code = "malformed"
	// CodeBadRequest: well-formed JSON of the wrong shape, or a value the
	// action refuses.
	CodeBadRequest Code = "bad-request"
	// CodeTooLarge: the input or the reply exceeds a size limit; the message
	// names the limit.
	CodeTooLarge Code = "too-large"
	// CodeInternal: the plugin failed in a way the caller could not prevent.
	CodeInternal Code = "internal"
)

// The host's codes.
const (
	// CodeTrap: the guest crashed (a panic, `unreachable`, an out-of-bounds
	// access). The instance was discarded.
	CodeTrap Code = "trap"
	// CodeTimeout: the call's deadline passed. The instance was discarded.
	CodeTimeout Code = "timeout"
	// CodeCancelled: the call's context was cancelled. The instance was
	// discarded if the call had started.
	CodeCancelled Code = "cancelled"
	// CodeMemoryLimit: the guest ran out of memory under the configured
	// per-instance limit. The instance was discarded.
	CodeMemoryLimit Code = "memory-limit"
	// CodeClosed: the plugin was closed.
	CodeClosed Code = "closed"
	// CodeBadPlugin: the module is not a plugin this host can run, or it
	// broke the protocol.
	CodeBadPlugin Code = "bad-plugin"
)

// guestCodes maps the WIT `error-code` discriminant to its Code.
var guestCodes = [...]Code{CodeUnknownAction, CodeMalformed, CodeBadRequest, CodeTooLarge, CodeInternal}

// Error is the error every method of this package returns.
//
// Compare with the sentinels through errors.Is, which matches on Code alone:
//
//	if errors.Is(err, plugin.ErrUnknownAction) { ... }
//
// and read the details through errors.As:
//
//	var perr *plugin.Error
//	if errors.As(err, &perr) { log.Print(perr.Code, perr.Message) }
type Error struct {
	// Code says what kind of failure this is.
	Code Code
	// Action is the action that was called, or "" when the failure is not
	// about one call (loading, closing).
	Action string
	// Message says what was wrong, in words.
	Message string

	cause error
}

// Error implements error: "<action>: <code>: <message>".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Action != "" {
		b.WriteString(e.Action)
		b.WriteString(": ")
	}
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the cause, if any: context.DeadlineExceeded or
// context.Canceled for ErrTimeout / ErrCancelled, the wazero error for a
// trap, the compiler's error for a module that does not load.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrTrap) holds for every trap whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is, one per Code.
var (
	ErrUnknownAction = &Error{Code: CodeUnknownAction, Message: "no such action"}
	ErrMalformed     = &Error{Code: CodeMalformed, Message: "the data is not well-formed JSON"}
	ErrBadRequest    = &Error{Code: CodeBadRequest, Message: "the data has the wrong shape"}
	ErrTooLarge      = &Error{Code: CodeTooLarge, Message: "a size limit was exceeded"}
	ErrInternal      = &Error{Code: CodeInternal, Message: "the plugin failed"}
	ErrTrap          = &Error{Code: CodeTrap, Message: "the guest crashed"}
	ErrTimeout       = &Error{Code: CodeTimeout, Message: "the deadline passed"}
	ErrCancelled     = &Error{Code: CodeCancelled, Message: "the call was cancelled"}
	ErrMemoryLimit   = &Error{Code: CodeMemoryLimit, Message: "the guest ran out of memory"}
	ErrClosed        = &Error{Code: CodeClosed, Message: "the plugin is closed"}
	ErrBadPlugin     = &Error{Code: CodeBadPlugin, Message: "not a plugin this host can run"}
)

// newError is the one constructor, so that every error carries its action.
func newError(code Code, action, message string, cause error) *Error {
	return &Error{Code: code, Action: action, Message: message, cause: cause}
}
