package main

import (
	"errors"
	"fmt"
	"strings"
)

// Errors that belong to the binding itself rather than to storage or Redis.
// status.go maps each to its status code.
var (
	// errBadHandle is returned for an unknown, closed or wrong-kind handle.
	errBadHandle = errors.New("ngr: unknown or closed handle")
	// errPending is returned by ngr_take when the ticket has not completed.
	errPending = errors.New("ngr: ticket has not completed yet")
	// errBadRequest is returned for an unknown op or a request of the wrong shape.
	errBadRequest = errors.New("ngr: bad request")
	// errQueueClosed is returned when a completion queue was closed under a request.
	errQueueClosed = errors.New("ngr: completion queue is closed")
	// errHooksDisabled is returned by ngr_debug_panic unless NGR_TEST_HOOKS=1 at load.
	errHooksDisabled = errors.New("ngr: test hooks are disabled (set NGR_TEST_HOOKS=1 before loading)")
)

// panicError carries a recovered Go panic as an error.
type panicError struct{ value any }

func (e *panicError) Error() string { return fmt.Sprintf("ngr: recovered Go panic: %v", e.value) }

// requestDecodeError is a request that is not the msgpack the op expects.
type requestDecodeError struct {
	op  string
	err error
}

func (e *requestDecodeError) Error() string {
	return "ngr: " + e.op + ": request is not valid msgpack: " + e.err.Error()
}

func (e *requestDecodeError) Unwrap() error { return e.err }

// msgpackDecodeError wraps a decoding failure of op's request.
func msgpackDecodeError(op string, err error) error {
	if err == nil {
		return nil
	}
	return &requestDecodeError{op: op, err: err}
}

// redact removes every secret from msg; the last line of defence so no
// message crossing the ABI shows a password.
func redact(msg string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}

// redactedError keeps err's identity for statusOf but scrubs its message.
type redactedError struct {
	err     error
	secrets []string
}

func (e redactedError) Error() string { return redact(e.err.Error(), e.secrets) }
func (e redactedError) Unwrap() error { return e.err }
