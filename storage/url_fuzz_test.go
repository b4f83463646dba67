package storage

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParseURL: any string gives an endpoint or a *ConfigError, never a
// panic, and an error never shows the URL's password.
func FuzzParseURL(f *testing.F) {
	for _, seed := range []string{
		"redis://127.0.0.1:6379/0", "rediss://u:p@host:1/2", "unix:///tmp/r.sock?db=3",
		"redis+sentinel://h1:1,h2:2/master/1", "redis://:s3cr3t/x@host:99999", "redis://a@b@c",
		"redis://[::1]:6379", "redis://host?foo=1", "redis://:%zz@h", "://", "redis://u:pw@/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ep, err := parseURL(raw)
		if err == nil {
			if len(ep.addrs) == 0 {
				t.Fatalf("parseURL(%q) gave no address and no error", raw)
			}
			return
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
			t.Fatalf("parseURL(%q) error %T %v is not a ConfigError", raw, err, err)
		}
		if pw := urlPassword(raw); len(pw) >= 6 && strings.Count(raw, pw) == 1 && strings.Contains(err.Error(), pw) {
			t.Fatalf("parseURL error shows the password %q: %v", pw, err)
		}
	})
}

// urlPassword is the raw password part of a URL's userinfo (after ':' up to
// the last '@'), as the binding's secrets() reads it.
func urlPassword(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(rest[:at], ":")
	return pw
}

// FuzzValidateOptions: any combination of option values is accepted or
// rejected with a *ConfigError naming an option; never a panic.
func FuzzValidateOptions(f *testing.F) {
	f.Add("redis://127.0.0.1:6379", "", 10, int64(1e9), int64(3e9), 3, 1024, 1<<20, 500, 0, int64(0), "llm_response_cache", int64(0))
	f.Add("redis://h", "cluster", -1, int64(-1), int64(-5), -2, -1, -1, 0, 3, int64(-1), "x", int64(-3))
	f.Add("rediss://h:1", "sentinel", 1<<30, int64(1<<62), int64(1), 1<<20, 1<<40, 1<<40, 1<<30, 1<<20, int64(1<<62), "", int64(1<<62))
	f.Fuzz(func(t *testing.T, url, topology string, pool int, dial, read int64, retries, threshold, maxValue, batch, waitReplicas int, waitTimeout int64, ttlNS string, ttl int64) {
		opts := &Options{
			URL: url, Topology: Topology(topology), PoolSize: pool,
			DialTimeout: time.Duration(dial), ReadTimeout: time.Duration(read), WriteTimeout: time.Duration(read),
			MaxRetries: retries, CompressThreshold: threshold, MaxValueSize: maxValue, BatchSize: batch,
			WaitReplicas: waitReplicas, WaitTimeout: time.Duration(waitTimeout),
			TTL: map[string]time.Duration{ttlNS: time.Duration(ttl)},
		}
		err := Validate(opts)
		if err == nil {
			return
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Option == "" {
			t.Fatalf("Validate error %T %v does not name an option", err, err)
		}
	})
}
