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
	case redis.IsAuthError(err), redis.IsPermissionError(err), isAuthReply(err):
		return statusAuth
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
	default:
		return statusInternal
	}
}

// replyHas reports whether the Redis error reply in err's chain starts with
// one of prefixes. go-redis types the replies it parses itself, but its
// string fallbacks look at the whole (wrapped) message, so we look at the
// reply alone.
func replyHas(err error, prefixes ...string) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return false
	}
	msg := strings.TrimPrefix(reply.Error(), "ERR ")
	for _, p := range prefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// isAuthReply: NOAUTH, WRONGPASS, NOPERM, also during the HELLO/AUTH handshake.
func isAuthReply(err error) bool {
	return replyHas(err, "NOAUTH", "WRONGPASS", "NOPERM", "AUTH", "invalid password")
}

// isRedirect is a MOVED or ASK reply that reached us: go-redis follows them
// up to MaxRedirects, so one that surfaces means the redirects ran out.
func isRedirect(err error) bool {
	_, moved := redis.IsMovedError(err)
	_, ask := redis.IsAskError(err)
	return moved || ask || replyHas(err, "MOVED ", "ASK ")
}

// isConnectionError is a refused, reset or dropped connection, or a cluster
// that cannot serve (CLUSTERDOWN, no reachable node).
func isConnectionError(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &opErr) || redis.IsClusterDownError(err) ||
		redis.IsLoadingError(err) || redis.IsMasterDownError(err) ||
		replyHas(err, "CLUSTERDOWN", "LOADING", "MASTERDOWN") ||
		strings.Contains(err.Error(), "connection refused")
}
