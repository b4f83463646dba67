package storage

import (
	"crypto/tls"
	"crypto/x509"
	"os"
)

// tlsConfig builds the TLS settings for a rediss:// endpoint, or nil for a
// plain one. TLS options with a plain URL are an error rather than silently
// ignored, so a typo cannot downgrade a connection to cleartext.
func tlsConfig(o *Options, ep endpoint) (*tls.Config, error) {
	if !ep.tls {
		for _, f := range []struct{ name, val string }{
			{"tls_ca_file", o.TLSCAFile}, {"tls_cert_file", o.TLSCertFile}, {"tls_key_file", o.TLSKeyFile},
		} {
			if f.val != "" {
				return nil, configError(f.name, f.val, "TLS options need a rediss:// url")
			}
		}
		if o.TLSInsecureSkipVerify {
			return nil, configError("tls_insecure_skip_verify", "true", "TLS options need a rediss:// url")
		}
		return nil, nil
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
