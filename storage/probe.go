package storage

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// probeConn sends an inline PING on a new connection and reads one reply
// line, within the dial timeout, before go-redis sees the connection.
//
// Why: a server that accepts and then resets (a TLS port reached with
// redis://, maxclients reached, a client certificate missing or refused)
// otherwise fails go-redis' connection handshake (HELLO), which go-redis
// retries MaxRetries times inside each of its MaxRetries command attempts:
// nested retries, 45 s per call with the defaults. Failing here makes it a
// dial error, retried once per attempt: (max_retries+1) x dial_timeout at
// most. Any reply line counts as "the server speaks Redis" (NOAUTH too:
// authentication comes next); only maxclients' refusal is an error. A
// server that accepted and then said nothing within the timeout did not
// close anything: that is a timeout (noAnswer), not a refusal.
func probeConn(conn net.Conn, addr string, timeout time.Duration, clientCertAsked, retryOnTimeout bool) error {
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	defer conn.SetDeadline(time.Time{})
	line, err := probeReply(conn)
	var alert tls.AlertError
	switch {
	case errors.As(err, &alert) || err != nil && strings.Contains(err.Error(), "remote error: tls"):
		return tlsHandshakeError(addr, err) // TLS 1.3 reports a refused client certificate here
	case isTimeout(err):
		return noAnswer(addr, timeout, err, retryOnTimeout)
	case err != nil && clientCertAsked:
		return tlsHandshakeError(addr, fmt.Errorf("the server asked for a client certificate, then closed the "+
			"connection (it refused the certificate, or none was configured): %w", err))
	case err != nil:
		return &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf(
			"the server at %s closed the connection without answering PING; if it requires TLS, use rediss://; "+
				"it may also be at maxclients: %w", addr, err)}
	case strings.HasPrefix(line, "-ERR max number of clients reached"):
		return &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf(
			"the server at %s refused the connection: %s (raise maxclients, or lower pool_size across workers)",
			addr, strings.TrimPrefix(line, "-"))}
	}
	return nil
}

// probeReply writes PING and reads exactly one reply line, byte by byte so
// nothing after it is consumed from the connection.
func probeReply(conn net.Conn) (string, error) {
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	var line []byte
	b := make([]byte, 1)
	for len(line) < 512 {
		if _, err := conn.Read(b); err != nil {
			return "", err
		}
		if b[0] == '\n' {
			return strings.TrimSuffix(string(line), "\r"), nil
		}
		line = append(line, b[0])
	}
	return string(line), nil
}

// noAnswer is a new connection whose PING got no reply in time: the kernel
// accepted for a server that is frozen, overloaded or behind a network path
// that drops packets. It is ErrTimeout, so the call's error is a timeout.
// go-redis retries it (a dial error) only with RetryOnTimeout: a retry on a
// frozen server waits the same again, within the call's one deadline.
func noAnswer(addr string, timeout time.Duration, err error, retryOnTimeout bool) error {
	e := fmt.Errorf("%w: the server at %s accepted the connection but did not answer PING within %gs: %w",
		ErrTimeout, addr, timeout.Seconds(), err)
	if retryOnTimeout {
		return &net.OpError{Op: "dial", Net: "tcp", Err: e}
	}
	return e
}

// isTimeout is a read or write that hit its deadline.
func isTimeout(err error) bool {
	var ne net.Error
	return err != nil && errors.As(err, &ne) && ne.Timeout()
}
