package storage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Every error this package returns is one of the sentinels below, wraps one
// of them, or wraps a go-redis error with %w. Callers (the C binding) classify
// errors with errors.Is / errors.As only, never by message.
var (
	// ErrClosed is returned by every operation after Client.Close.
	ErrClosed = errors.New("storage: client is closed")

	// ErrConfig is matched by every *ConfigError: an option, the URL or a
	// namespace name is invalid. Nothing was sent to Redis.
	ErrConfig = errors.New("storage: invalid configuration")

	// ErrInvalidNamespace is returned (inside a *ConfigError, so it is also
	// ErrConfig) when a namespace is empty or contains '{' or '}', which would
	// break the cluster hash tag.
	ErrInvalidNamespace = errors.New("storage: invalid namespace")

	// ErrValueTooLarge is matched by *ValueTooLargeError: one value of a batch
	// exceeds Options.MaxValueSize. The whole batch was rejected unwritten.
	ErrValueTooLarge = errors.New("storage: value too large")

	// ErrCorruptValue is returned when a value is not acceptable msgpack
	// bytes: empty, starting with the reserved compression marker 0xc1 on
	// write, or failing to decompress or to decode for projection on read.
	// On write the whole batch was rejected unwritten.
	ErrCorruptValue = errors.New("storage: corrupt value")

	// ErrTimeout is returned when Redis accepted but did not answer in time:
	// a command on an established connection (with RetryOnTimeout false),
	// or the PING of a new one (probe.go). A command's outcome is unknown:
	// it may have run. The binding's message says so for writes.
	ErrTimeout = errors.New("storage: redis i/o timeout")

	// ErrNotReplicated is returned when WaitReplicas > 0 and WAIT saw fewer
	// replicas acknowledge the write within WaitTimeout, or (single node and
	// sentinel; a cluster resends instead) WAIT itself failed after the write,
	// e.g. UNBLOCKED when the master was demoted while WAIT blocked. The data
	// WAS written to the master; it may be lost if the master fails before
	// replicating.
	ErrNotReplicated = errors.New("storage: write not acknowledged by enough replicas")

	// ErrTLS is matched by every failed TLS handshake: an untrusted or
	// missing certificate, or TLS spoken to a plain port. Nothing was sent.
	ErrTLS = errors.New("storage: TLS handshake failed")
)

// ConfigError names the option and the value that were rejected. Value is
// already redacted: a password (also inside a URL) never appears in it.
type ConfigError struct {
	Option string // wire name of the option, e.g. "pool_size", "url", "namespace"
	Value  string // the rejected value, redacted
	Reason string
	cause  error // an optional more specific sentinel (ErrInvalidNamespace)
}

func (e *ConfigError) Error() string {
	switch {
	case e.Option == "":
		return "storage: invalid options: " + e.Reason
	case e.Value == "":
		return fmt.Sprintf("storage: invalid option %q: %s", e.Option, e.Reason)
	}
	return fmt.Sprintf("storage: invalid option %s=%q: %s", e.Option, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrConfig) true, and errors.Is with the more
// specific cause (ErrInvalidNamespace) too.
func (e *ConfigError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrConfig, e.cause}
	}
	return []error{ErrConfig}
}

func configError(option, value, reason string) *ConfigError {
	return &ConfigError{Option: option, Value: value, Reason: reason}
}

// ValueTooLargeError names the id whose value exceeded MaxValueSize.
type ValueTooLargeError struct {
	Key  string // the item id (not the Redis key), as given by the caller
	Size int    // bytes of the value as given
	Max  int    // Options.MaxValueSize
}

func (e *ValueTooLargeError) Error() string {
	return fmt.Sprintf("storage: value of key %q is %d bytes, above max_value_size %d; batch rejected, nothing written",
		e.Key, e.Size, e.Max)
}

func (e *ValueTooLargeError) Unwrap() error { return ErrValueTooLarge }

// corruptValue builds an ErrCorruptValue naming the id.
func corruptValue(id, reason string) error {
	return fmt.Errorf("%w: key %q: %s", ErrCorruptValue, id, reason)
}

// CorruptValuesError is a read that found stored values it cannot return
// (damaged or foreign bytes): it names the namespace and every bad id. A
// batch read with any bad value fails whole, so no caller mistakes a
// damaged value for a missing one; the good ids can be read without them.
type CorruptValuesError struct {
	Namespace string
	IDs       []string // every bad id, in request order
	Reasons   []string // why, for each of IDs
}

func (e *CorruptValuesError) Error() string {
	const reasons = 3
	quoted := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		quoted[i] = strconv.Quote(id)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "storage: corrupt stored value in namespace %q: %d id(s) cannot be read: %s; rewrite or delete them (",
		e.Namespace, len(e.IDs), strings.Join(quoted, ", "))
	for i := range min(len(e.IDs), reasons) {
		fmt.Fprintf(&b, "%s%s: %s", map[bool]string{true: "", false: "; "}[i == 0], quoted[i], e.Reasons[i])
	}
	if len(e.IDs) > reasons {
		b.WriteString("; ...")
	}
	b.WriteString(")")
	return b.String()
}

func (e *CorruptValuesError) Unwrap() error { return ErrCorruptValue }

// recoverAs is deferred at the top of the goroutines this package starts: a
// panic there is out of any caller's reach (the C binding recovers only its
// own goroutines) and would kill the host process, so it becomes *err.
func recoverAs(err *error, op string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("storage: %s: recovered panic: %v", op, r)
	}
}

// wrapRedis is the one place where go-redis errors are translated: a closed
// go-redis client becomes ErrClosed, anything else is wrapped with %w so
// that callers can still match go-redis and net errors with errors.Is/As.
func wrapRedis(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("%w (during %s)", ErrClosed, op)
	}
	return fmt.Errorf("storage: %s: %w", op, err)
}

// replyError is a refusal storage raises itself with the meaning of a server
// reply (the TYPE check before an upsert finds a WRONGTYPE index): it is a
// redis.Error, so it is classed like the reply the server would have sent.
type replyError string

func (e replyError) Error() string { return string(e) }

// RedisError marks replyError as a redis.Error.
func (replyError) RedisError() {}
