package main

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// statusOf is the one place an error becomes an ABI status code. The order
// matters: the binding's and storage's own sentinels first, then what Redis
// said, then what the network did. Anything unknown is NGR_ERR_INTERNAL.
// storage.ErrNotReplicated has its own code: unlike a timeout, the outcome
// is known (written on the master), only its replication is not.
func statusOf(err error) int32 {
	var pe *panicError
	var netErr net.Error
	var decodeErr *requestDecodeError
	var corrupt *storage.CorruptValuesError
	var reply redis.Error
	switch {
	case err == nil:
		return statusOK
	case errors.As(err, &pe):
		return statusPanic
	case errors.Is(err, errBadHandle):
		return statusBadHandle
	case errors.Is(err, errPending):
		return statusPending
	case errors.Is(err, errBadRequest), errors.Is(err, errHooksDisabled):
		return statusBadRequest
	case errors.As(err, &corrupt):
		return statusCorruptValue
	case errors.As(err, &decodeErr), errors.Is(err, storage.ErrCorruptValue):
		return statusSerialization
	case errors.Is(err, context.Canceled):
		return statusCancelled
	case errors.Is(err, errQueueClosed),
		errors.Is(err, storage.ErrClosed), errors.Is(err, redis.ErrClosed):
		return statusClosed
	case errors.Is(err, storage.ErrConfig):
		return statusConfig
	case errors.Is(err, storage.ErrValueTooLarge):
		return statusTooLarge
	case isAuthReply(err):
		return statusAuth
	case errors.Is(err, storage.ErrTLS):
		return statusTLS
	case redis.HasErrorPrefix(err, "OOM"), strings.HasPrefix(execAbortCause(err), "OOM"):
		return statusOOM
	case isRedirect(err):
		return statusRedirect
	case errors.Is(err, storage.ErrNotReplicated):
		return statusNotReplicated
	case errors.Is(err, storage.ErrTimeout),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, redis.ErrPoolTimeout),
		errors.As(err, &netErr) && netErr.Timeout():
		return statusTimeout
	case isConnectionError(err):
		return statusConnection
	case errors.As(err, &reply):
		return statusResponse
	default:
		return statusInternal
	}
}

// isAuthReply: NOAUTH and WRONGPASS (typed by go-redis as auth errors),
// NOPERM (a permission error), the ERR a script gets when the ACL refuses a
// command it calls, and the handshake replies go-redis leaves untyped:
// "AUTH <password> called without any password configured", and an old
// server's "invalid password".
func isAuthReply(err error) bool {
	return redis.IsAuthError(err) || redis.IsPermissionError(err) ||
		redis.HasErrorPrefix(err, "AUTH") || redis.HasErrorPrefix(err, "invalid password") ||
		redis.HasErrorPrefix(err, "The user executing the script can't run this command") || // (after "ERR ")
		strings.HasPrefix(execAbortCause(err), "NOPERM")
}

// execAbortCause is the reply that made EXEC discard an upsert's transaction
// (a command refused while queued: OOM over maxmemory, NOPERM), so the
// caller sees that cause's class; "" for any other error.
func execAbortCause(err error) string {
	const prefix = "EXECABORT Transaction discarded because of: "
	var reply redis.Error
	if errors.As(err, &reply) && strings.HasPrefix(reply.Error(), prefix) {
		return strings.TrimPrefix(reply.Error(), prefix)
	}
	return ""
}

// isRedirect is a MOVED or ASK reply that reached us: go-redis follows them
// up to MaxRedirects, so one that surfaces means the redirects ran out.
// go-redis' typed checks find a wrapped reply only if it parsed it as
// *MovedError/*AskError; HasErrorPrefix finds any wrapped redis.Error.
func isRedirect(err error) bool {
	_, moved := redis.IsMovedError(err)
	_, ask := redis.IsAskError(err)
	return moved || ask || redis.HasErrorPrefix(err, "MOVED ") || redis.HasErrorPrefix(err, "ASK ")
}

// isConnectionError is a refused, reset or dropped connection, or a cluster
// that cannot serve (CLUSTERDOWN, LOADING, MASTERDOWN).
func isConnectionError(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &opErr) || redis.IsClusterDownError(err) ||
		redis.IsLoadingError(err) || redis.IsMasterDownError(err)
}
