package storage

import (
	"crypto/tls"
	"crypto/x509"
	"os"
)

// tlsConfig builds the TLS settings for a rediss:// endpoint, or nil for a
// plain one. It reads the PEM files, so a bad file fails here, before any
// network I/O.
func tlsConfig(o *Options, ep endpoint) (*tls.Config, error) {
	if !ep.tls {
		return nil, nil // TLS options without rediss:// were refused by RuleNeedsTLS
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.TLSInsecureSkipVerify}
	if o.TLSCAFile != "" {
		pem, err := os.ReadFile(o.TLSCAFile)
		if err != nil {
			return nil, configError("tls_ca_file", o.TLSCAFile, "cannot read: "+err.Error())
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, configError("tls_ca_file", o.TLSCAFile, "no PEM certificate found")
		}
	}
	if o.TLSCertFile != "" {
		pair, err := tls.LoadX509KeyPair(o.TLSCertFile, o.TLSKeyFile)
		if err != nil {
			return nil, configError("tls_cert_file", o.TLSCertFile, "cannot load key pair: "+err.Error())
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
