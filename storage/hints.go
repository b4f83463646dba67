package storage

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"

	"github.com/redis/go-redis/v9"
)

// Connection failures lead with what failed and what to do about it; the
// underlying error follows (wrapped, so callers still match it).

// tlsHandshakeError explains a failed handshake: most often a plain port
// behind rediss://, or a certificate the other side does not accept.
func tlsHandshakeError(addr string, err error) error {
	var plain tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.As(err, &plain):
		return fmt.Errorf("%w with %s: the server does not speak TLS there; use redis:// for a plain port, "+
			"or the server's tls-port: %w", ErrTLS, addr, err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%w with %s: no TLS answer within dial_timeout; if the port is a plain one, "+
			"use redis:// instead of rediss://: %w", ErrTLS, addr, err)
	}
	return fmt.Errorf("%w with %s: check tls_ca_file (the CA that signed the server's certificate) and, if the "+
		"server requires client certificates, tls_cert_file and tls_key_file: %w", ErrTLS, addr, err)
}

// connectError is the first command on a new client failing; the cause
// (probe.go, tlsHandshakeError) already says what to do.
func connectError(addr string, err error) error {
	if errors.Is(err, ErrTLS) {
		return err // already says where and what to do
	}
	return fmt.Errorf("storage: cannot connect to Redis at %s: %w", addr, err)
}

// firstCommandError is New's PING failing. Two replies mean the options do
// not fit the server, so they are configuration errors naming the option.
func firstCommandError(o *Options, ep endpoint, err error) error {
	switch {
	case errors.Is(err, redis.ErrClosed):
		return wrapRedis("connect", err)
	case redis.HasErrorPrefix(err, "DB index is out of range"):
		return configError("url", redactURL(o.URL), fmt.Sprintf(
			"database %d does not exist on the server (it has fewer; see its 'databases' setting): %v", ep.db, err))
	case o.Topology == TopologyCluster && redis.HasErrorPrefix(err, "This instance has cluster support disabled"):
		return configError("topology", string(o.Topology),
			"the server at "+ep.addrs[0]+" is not a cluster (cluster support disabled); use topology=auto or single")
	}
	return connectError(ep.addrs[0], err)
}
