package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// wireOptions is the JSON object Python sends to ngr_store_open (the keys are
// listed in the brief and docs/configuration.md). Absent keys keep their zero
// value, which storage.New reads as "use the default".
type wireOptions struct {
	URL                   string             `json:"url,omitempty"`
	Username              string             `json:"username,omitempty"`
	Password              string             `json:"password,omitempty"`
	Topology              string             `json:"topology,omitempty"`
	ClusterAddrs          []string           `json:"cluster_addrs,omitempty"`
	TLSCAFile             string             `json:"tls_ca_file,omitempty"`
	TLSCertFile           string             `json:"tls_cert_file,omitempty"`
	TLSKeyFile            string             `json:"tls_key_file,omitempty"`
	TLSInsecureSkipVerify bool               `json:"tls_insecure_skip_verify,omitempty"`
	PoolSize              int                `json:"pool_size,omitempty"`
	DialTimeout           float64            `json:"dial_timeout,omitempty"`
	ReadTimeout           float64            `json:"read_timeout,omitempty"`
	WriteTimeout          float64            `json:"write_timeout,omitempty"`
	MaxRetries            int                `json:"max_retries,omitempty"`
	MinRetryBackoff       float64            `json:"min_retry_backoff,omitempty"`
	MaxRetryBackoff       float64            `json:"max_retry_backoff,omitempty"`
	RetryOnTimeout        bool               `json:"retry_on_timeout,omitempty"`
	HealthCheckInterval   float64            `json:"health_check_interval,omitempty"`
	KeyPrefix             string             `json:"key_prefix,omitempty"`
	TTL                   map[string]float64 `json:"ttl,omitempty"`
	CompressThreshold     int                `json:"compress_threshold,omitempty"`
	MaxValueSize          int                `json:"max_value_size,omitempty"`
	BatchSize             int                `json:"batch_size,omitempty"`
	WaitReplicas          int                `json:"wait_replicas,omitempty"`
	WaitTimeout           float64            `json:"wait_timeout,omitempty"`
}

// optionError is a wire option that could not be read; it names the key and
// is a storage.ErrConfig, so it maps to NGR_ERR_CONFIG.
type optionError struct {
	Key    string
	Reason string
}

func (e *optionError) Error() string {
	if e.Key == "" {
		return "ngr: options: " + e.Reason
	}
	return fmt.Sprintf("ngr: option %q: %s", e.Key, e.Reason)
}

func (e *optionError) Unwrap() error { return storage.ErrConfig }

// parseOptions reads the wire JSON strictly: an unknown key or a value of the
// wrong type is an error naming the key. It also returns the canonical JSON
// of the options (re-marshalled: fixed key order, no whitespace), which
// identifies the shared client they open.
func parseOptions(data []byte) (*wireOptions, string, error) {
	var w wireOptions
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, "", jsonOptionError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, "", &optionError{Reason: "trailing data after the JSON object"}
	}
	canonical, err := json.Marshal(&w)
	if err != nil {
		return nil, "", &optionError{Reason: err.Error()}
	}
	return &w, string(canonical), nil
}

// jsonOptionError turns encoding/json's error into one naming the key, without
// echoing the value (it might be a password).
func jsonOptionError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return &optionError{Key: typeErr.Field, Reason: fmt.Sprintf("expected %s, got a JSON %s", typeErr.Type, typeErr.Value)}
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		key := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return &optionError{Key: key, Reason: "unknown option (see docs/configuration.md)"}
	}
	return &optionError{Reason: "not a JSON object: " + err.Error()}
}

// storageOptions maps the wire form to storage.Options (seconds -> durations).
func (w *wireOptions) storageOptions() *storage.Options {
	opts := &storage.Options{
		URL:                   w.URL,
		Username:              w.Username,
		Password:              w.Password,
		Topology:              storage.Topology(w.Topology),
		ClusterAddrs:          w.ClusterAddrs,
		TLSCAFile:             w.TLSCAFile,
		TLSCertFile:           w.TLSCertFile,
		TLSKeyFile:            w.TLSKeyFile,
		TLSInsecureSkipVerify: w.TLSInsecureSkipVerify,
		PoolSize:              w.PoolSize,
		DialTimeout:           seconds(w.DialTimeout),
		ReadTimeout:           seconds(w.ReadTimeout),
		WriteTimeout:          seconds(w.WriteTimeout),
		MaxRetries:            w.MaxRetries,
		MinRetryBackoff:       seconds(w.MinRetryBackoff),
		MaxRetryBackoff:       seconds(w.MaxRetryBackoff),
		RetryOnTimeout:        w.RetryOnTimeout,
		HealthCheckInterval:   seconds(w.HealthCheckInterval),
		KeyPrefix:             w.KeyPrefix,
		CompressThreshold:     w.CompressThreshold,
		MaxValueSize:          w.MaxValueSize,
		BatchSize:             w.BatchSize,
		WaitReplicas:          w.WaitReplicas,
		WaitTimeout:           seconds(w.WaitTimeout),
	}
	if w.TTL != nil {
		opts.TTL = make(map[string]time.Duration, len(w.TTL))
		for ns, s := range w.TTL {
			opts.TTL[ns] = seconds(s)
		}
	}
	return opts
}

// secrets are the strings no error message may show: the password, from the
// options or from the URL's userinfo. The userinfo is read as storage's
// parseURL reads it: up to the LAST '@' (a raw password may hold '@', '/'
// or '?'); without ':' it is a user name only.
func (w *wireOptions) secrets() []string {
	var out []string
	if w.Password != "" {
		out = append(out, w.Password)
	}
	// Both the raw (percent-encoded) and the decoded form may appear in errors.
	if _, rest, ok := strings.Cut(w.URL, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			_, pw, _ := strings.Cut(rest[:at], ":")
			if pw != "" {
				out = append(out, pw)
				if decoded, err := url.PathUnescape(pw); err == nil && decoded != pw {
					out = append(out, decoded)
				}
			}
		}
	}
	return out
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}
