package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// FuzzRunOp sends arbitrary request bytes through every op of the dispatch
// table (so through every request decoder and response builder) against the
// real single-node test server. Whatever the bytes: no panic, an error is a
// clear class (never internal or a panic), and a response is one complete
// msgpack value. testdata/fuzz/FuzzRunOp holds the seeds, crashers included.
func FuzzRunOp(f *testing.F) {
	ns := fuzzNamespace(f)
	seed := func(op int32, v any) {
		b, err := msgpack.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(byte(op), b)
	}
	seed(opGet, "a")
	seed(opGetMany, []any{[]string{"a", "b"}, []string{"x"}})
	seed(opGetMany, []any{[]string{"a"}, nil})
	seed(opFilterMissing, []string{"a", "zz"})
	seed(opUpsert, map[string]any{"a": map[string]any{"x": 1, "y": []int{1, 2}}, "b": "s"})
	seed(opDelete, "a")
	for _, op := range []int32{opAllKeys, opCount, opStats, opRepair, 0, 99} {
		f.Add(byte(op), []byte{})
	}
	f.Fuzz(func(t *testing.T, op byte, req []byte) {
		code := int32(op % 12) // the ten ops, 0 and 11 unknown; drop only from the test's cleanup
		if code == opDrop {
			code = opCount
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		resp, err := runOp(ctx, ns, code, req)
		if err != nil {
			if s := statusOf(err); s == statusInternal || s == statusPanic {
				t.Fatalf("op %d on %x: unclassified error (status %d): %v", code, req, s, err)
			}
			return
		}
		dec := msgpack.NewDecoder(bytes.NewReader(resp))
		if err := dec.Skip(); err != nil {
			t.Fatalf("op %d on %x: response %x is not msgpack: %v", code, req, resp, err)
		}
		if _, err := dec.PeekCode(); err == nil {
			t.Fatalf("op %d on %x: response %x has trailing bytes", code, req, resp)
		}
	})
}

// fuzzNamespace is a fresh namespace on NGR_TEST_REDIS_URL, dropped at the end.
func fuzzNamespace(f *testing.F) *storage.Namespace {
	url := os.Getenv("NGR_TEST_REDIS_URL")
	if url == "" {
		f.Fatal("NGR_TEST_REDIS_URL is not set: run through scripts/redis/with-redis.sh or make test")
	}
	c, err := storage.New(context.Background(), &storage.Options{URL: url, HealthCheckInterval: -1})
	if err != nil {
		f.Fatal(err)
	}
	ns, err := c.Namespace(fmt.Sprintf("binding_fuzz_%d", rand.Int63()))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		_, _ = ns.Drop(context.Background())
		_ = c.Close()
	})
	return ns
}

// FuzzParseOptions: any bytes as the options JSON of ngr_store_open give
// options or a config error (storage.ErrConfig), never a panic; the
// shared-client key of accepted options is deterministic, and a password
// never shows in an error.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"url":"redis://:sekrit@127.0.0.1:1","pool_size":3}`, `{"password":"hunter22","url":1}`,
		`{"ttl":{"a":1.5}}`, `{"dial_timeout":1e300}`, `{"unknown":1}`, `{} {}`, `[`, `null`,
		`{"cluster_addrs":["a:1","b:2"],"wait_replicas":1,"wait_timeout":0.5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts, canonical, err := parseOptions(data)
		if err != nil {
			if !errors.Is(err, storage.ErrConfig) {
				t.Fatalf("parseOptions(%q): %T %v is not a config error", data, err, err)
			}
			requireNoSecret(t, data, err.Error(), passwordsIn(data))
			return
		}
		if _, again, err := parseOptions(data); err != nil || again != canonical {
			t.Fatalf("the client key of %q is not deterministic: %q then %q, %v", data, canonical, again, err)
		}
		if err := storage.Validate(opts); err != nil {
			requireNoSecret(t, data, redactedError{err: err, secrets: opts.Secrets()}.Error(), opts.Secrets())
		}
	})
}

// passwordsIn is the "password" value of an options JSON that failed to
// parse, if there is one (best effort: the error must not echo it either).
func passwordsIn(data []byte) []string {
	var raw struct {
		Password any `json:"password"`
	}
	if json.Unmarshal(data, &raw) != nil {
		return nil
	}
	if s, ok := raw.Password.(string); ok {
		return []string{s}
	}
	return nil
}

// requireNoSecret fails if msg shows a secret of 6+ bytes that occurs once in data.
func requireNoSecret(t *testing.T, data []byte, msg string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 6 && bytes.Count(data, []byte(s)) == 1 && strings.Contains(msg, s) {
			t.Fatalf("error shows the password %q: %s", s, msg)
		}
	}
}
