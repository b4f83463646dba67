package storage

import (
	"crypto/tls"
	"reflect"
	"time"
)

// prepared is everything New needs before its first network step.
type prepared struct {
	opts Options
	ep   endpoint
	tls  *tls.Config
}

// prepare resolves defaults and checks every option, the URL, the rules
// about the URL (TLS options, topology) and the TLS files. No network I/O.
func prepare(opts *Options) (*prepared, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	ep, err := parseURL(o.URL)
	if err != nil {
		return nil, err
	}
	if err := OptionsSchema.checkRules(reflect.ValueOf(&o).Elem(), &ep); err != nil {
		return nil, err
	}
	tlsCfg, err := tlsConfig(&o, ep)
	if err != nil {
		return nil, err
	}
	return &prepared{opts: o, ep: ep, tls: tlsCfg}, nil
}

// Validate reports the configuration errors New would report, without
// connecting, so a caller that connects lazily (the C binding) can still
// reject bad options at once. Errors wrap ErrConfig. Some checks need the
// server (e.g. a database number on what turns out to be a cluster) and are
// left to New.
func Validate(opts *Options) error {
	_, err := prepare(opts)
	return err
}

// Deadlines returns the read timeout and the deadline of one whole call
// (operation_timeout or its default) of opts, which passed Validate.
func Deadlines(opts *Options) (readTimeout, callTimeout time.Duration) {
	r, _ := opts.resolve()
	return r.ReadTimeout, r.OperationTimeout
}

// ValidateNamespace reports the error Client.Namespace would give for name.
func ValidateNamespace(name string) error {
	return validNamespace(name)
}
