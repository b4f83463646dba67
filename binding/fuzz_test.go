package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
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
// options or an optionError (a storage.ErrConfig), never a panic; accepted
// options are canonical (parsing the canonical form gives it back), and a
// password never shows in an error.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"url":"redis://:sekrit@127.0.0.1:1","pool_size":3}`, `{"password":"hunter22","url":1}`,
		`{"ttl":{"a":1.5}}`, `{"dial_timeout":1e300}`, `{"unknown":1}`, `{} {}`, `[`, `null`,
		`{"cluster_addrs":["a:1","b:2"],"wait_replicas":1,"wait_timeout":0.5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, canonical, err := parseOptions(data)
		if err != nil {
			if !errors.Is(err, storage.ErrConfig) {
				t.Fatalf("parseOptions(%q): %T %v is not a config error", data, err, err)
			}
			return
		}
		_, again, err := parseOptions([]byte(canonical))
		if err != nil || again != canonical {
			t.Fatalf("canonical form %q does not parse back to itself: %q, %v", canonical, again, err)
		}
		err = storage.Validate(w.storageOptions())
		if err == nil {
			return
		}
		msg := redactedError{err: err, secrets: w.secrets()}.Error()
		for _, s := range w.secrets() {
			if len(s) >= 6 && bytes.Count(data, []byte(s)) == 1 && bytes.Contains([]byte(msg), []byte(s)) {
				t.Fatalf("error shows the password %q: %s", s, msg)
			}
		}
	})
}
