package storage

import (
	"context"
	"crypto/tls"
	"net"
	"time"
)

// newDialer returns the dialer every go-redis node client uses. We own the
// dialer for one reason: go-redis v9 retries a pipeline after a read timeout
// unconditionally, but a timeout means "outcome unknown", so with
// RetryOnTimeout false the connection turns i/o timeouts into ErrTimeout,
// which go-redis does not recognise as retryable. Dial errors stay
// untouched (nothing was sent, a retry is always safe). Every new connection
// is probed with a PING first (probe.go).
func newDialer(o *Options, tlsCfg *tls.Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 5 * time.Minute}
	retryOnTimeout := o.RetryOnTimeout
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		var certAsked *bool
		if tlsCfg != nil {
			cfg := tlsCfg.Clone()
			if cfg.ServerName == "" {
				host, _, _ := net.SplitHostPort(addr)
				cfg.ServerName = host
			}
			certAsked = recordCertRequest(cfg)
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				return nil, tlsHandshakeError(addr, err)
			}
			conn = tc
		}
		if err := probeConn(conn, addr, o.DialTimeout, certAsked != nil && *certAsked, retryOnTimeout); err != nil {
			conn.Close()
			return nil, err
		}
		if !retryOnTimeout {
			conn = &timeoutFinalConn{Conn: conn}
		}
		return conn, nil
	}
}

// timeoutFinalConn reports i/o timeouts as ErrTimeout, a plain error that
// go-redis does not retry. It deliberately does not expose the inner net.Conn
// nor the net.Error interface.
type timeoutFinalConn struct{ net.Conn }

func (c *timeoutFinalConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	return n, finalTimeout(err)
}

func (c *timeoutFinalConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	return n, finalTimeout(err)
}

func finalTimeout(err error) error {
	if isTimeout(err) {
		return ErrTimeout
	}
	return err
}

// recordCertRequest makes cfg (one connection's clone) note whether the
// server asks for a client certificate. Under TLS 1.3 a server that refuses
// the client's certificate (or its absence) does so after the client's
// handshake has completed, and may just reset the connection: knowing it
// asked turns that reset into a TLS error that names tls_cert_file.
func recordCertRequest(cfg *tls.Config) *bool {
	asked := new(bool)
	certs := cfg.Certificates
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		*asked = true
		if len(certs) > 0 {
			return &certs[0], nil
		}
		return &tls.Certificate{}, nil // none configured: send none, as without the callback
	}
	return asked
}
