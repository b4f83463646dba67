package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// replyError is a Redis error reply of the type go-redis gives the replies
// it does not type further: its internal proto.RedisError, the type of
// redis.ErrCrossSlot. statusOf must classify it by go-redis' own checks.
func replyError(msg string) error {
	return reflect.ValueOf(msg).Convert(reflect.TypeOf(redis.ErrCrossSlot)).Interface().(error)
}

func TestStatusOfMapsEveryKind(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("storage: get: %w", err) }
	cases := map[string]struct {
		err    error
		status int32
	}{
		"nil":                     {nil, statusOK},
		"panic":                   {&panicError{value: "boom"}, statusPanic},
		"bad handle":              {errBadHandle, statusBadHandle},
		"pending":                 {errPending, statusPending},
		"bad request":             {fmt.Errorf("%w: unknown op 99", errBadRequest), statusBadRequest},
		"hooks disabled":          {errHooksDisabled, statusBadRequest},
		"bad msgpack":             {msgpackDecodeError("get", io.ErrUnexpectedEOF), statusSerialization},
		"corrupt value":           {wrap(storage.ErrCorruptValue), statusSerialization},
		"cancelled":               {wrap(context.Canceled), statusCancelled},
		"store closed":            {wrap(storage.ErrClosed), statusClosed},
		"redis closed":            {wrap(redis.ErrClosed), statusClosed},
		"queue closed":            {errQueueClosed, statusClosed},
		"config":                  {&storage.ConfigError{Option: "pool_size", Value: "-1"}, statusConfig},
		"too large":               {&storage.ValueTooLargeError{Key: "k", Size: 10, Max: 5}, statusTooLarge},
		"noauth":                  {wrap(replyError("NOAUTH Authentication required.")), statusAuth},
		"wrongpass":               {wrap(replyError("WRONGPASS invalid username-password pair")), statusAuth},
		"noperm":                  {wrap(replyError("NOPERM this user has no permissions")), statusAuth},
		"oom in a transaction":    {wrap(replyError("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.")), statusOOM},
		"noperm in a transaction": {wrap(replyError("EXECABORT Transaction discarded because of: NOPERM this user has no permissions to run the 'set' command")), statusAuth},
		"other transaction abort": {wrap(replyError("EXECABORT Transaction discarded because of previous errors.")), statusResponse},
		"noperm in script":        {wrap(replyError("ERR The user executing the script can't run this command or subcommand script: 956ac74, on @user_script:1.")), statusAuth},
		"moved":                   {wrap(replyError("MOVED 3999 127.0.0.1:6381")), statusRedirect},
		"ask":                     {wrap(replyError("ASK 3999 127.0.0.1:6381")), statusRedirect},
		"timeout":                 {wrap(storage.ErrTimeout), statusTimeout},
		"not replicated":          {wrap(storage.ErrNotReplicated), statusNotReplicated},
		"deadline":                {wrap(context.DeadlineExceeded), statusTimeout},
		"pool timeout":            {wrap(redis.ErrPoolTimeout), statusTimeout},
		"refused":                 {wrap(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), statusConnection},
		"reset":                   {wrap(syscall.ECONNRESET), statusConnection},
		"eof":                     {wrap(io.EOF), statusConnection},
		"clusterdown":             {wrap(replyError("CLUSTERDOWN The cluster is down")), statusConnection},
		"auth handshake":          {wrap(replyError("ERR AUTH <password> called without any password configured")), statusAuth},
		"old auth reply":          {wrap(replyError("ERR invalid password")), statusAuth},
		"corrupt stored":          {wrap(&storage.CorruptValuesError{Namespace: "n", IDs: []string{"a"}, Reasons: []string{"x"}}), statusCorruptValue},
		"tls":                     {wrap(fmt.Errorf("%w: x509", storage.ErrTLS)), statusTLS},
		"oom":                     {wrap(replyError("OOM command not allowed when used memory > 'maxmemory'.")), statusOOM},
		"db out of range":         {wrap(replyError("ERR DB index is out of range")), statusResponse},
		"wrongtype":               {wrap(replyError("WRONGTYPE index key k holds a string")), statusResponse},
		"anything else":           {errors.New("something odd"), statusInternal},
		"redacted config":         {redactedError{&storage.ConfigError{Option: "url"}, []string{"pw"}}, statusConfig},
	}
	for name, c := range cases {
		assert.Equal(t, c.status, statusOf(c.err), name)
	}
}

func TestRedactedErrorScrubsTheMessage(t *testing.T) {
	err := redactedError{errors.New("dial redis://:hunter2@h:1 failed"), []string{"hunter2"}}
	assert.Equal(t, "dial redis://:***@h:1 failed", err.Error())
}
