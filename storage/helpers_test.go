package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// Test servers come from scripts/redis/with-redis.sh. A missing variable is
// a failure, never a skip: the cluster cases must run.
func mustEnv(t testing.TB, name string) string {
	t.Helper()
	// A server binary without TLS (scripts/test-valkey.sh) gives the reason: the TLS tests skip with it.
	if reason := os.Getenv("NGR_TEST_NO_TLS"); reason != "" && strings.Contains(name, "TLS") {
		t.Skip(reason)
	}
	v := os.Getenv(name)
	require.NotEmptyf(t, v, "%s is not set: run through scripts/redis/with-redis.sh or make test", name)
	return v
}

// server is one test deployment.
type server struct {
	name string // "single", "cluster" or "sentinel" (a Topology)
	url  string
}

func servers(t testing.TB) []server {
	return []server{
		{"single", mustEnv(t, "NGR_TEST_REDIS_URL")},
		{"cluster", mustEnv(t, "NGR_TEST_CLUSTER_URL")},
		{"sentinel", mustEnv(t, "NGR_TEST_SENTINEL_URL")},
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newTestClient connects with a unique key prefix so parallel runs on the
// shared servers never collide.
func newTestClient(t testing.TB, url string, tweak func(*Options)) *Client {
	t.Helper()
	o := &Options{URL: url, KeyPrefix: "ngrtest_" + randomHex(6), HealthCheckInterval: -1}
	if tweak != nil {
		tweak(o)
	}
	c, err := New(context.Background(), o)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// newTestNamespace opens a namespace and drops it when the test ends.
func newTestNamespace(t testing.TB, c *Client, name string) *Namespace {
	t.Helper()
	ns, err := c.Namespace(name)
	require.NoError(t, err)
	t.Cleanup(func() {
		if c.checkOpen() == nil {
			_, _ = ns.Drop(context.Background())
		}
	})
	return ns
}

// rawClient talks to the test server without our package, to look behind
// its back (raw keys, DEBUG, CLUSTER).
func rawClient(t testing.TB, srv server) redis.UniversalClient {
	t.Helper()
	if srv.name == "sentinel" {
		ep, err := parseURL(srv.url)
		require.NoError(t, err)
		c := redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: ep.masterName, SentinelAddrs: ep.addrs, ReadTimeout: 30 * time.Second,
		})
		t.Cleanup(func() { c.Close() })
		return c
	}
	opt, err := redis.ParseURL(srv.url)
	require.NoError(t, err)
	var c redis.UniversalClient
	if srv.name == "cluster" {
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{opt.Addr}, ReadTimeout: 30 * time.Second})
	} else {
		opt.ReadTimeout = 30 * time.Second
		c = redis.NewClient(opt)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawKeys lists keys matching pattern on every master.
func rawKeys(t testing.TB, rc redis.UniversalClient, pattern string) []string {
	t.Helper()
	var mu sync.Mutex
	var keys []string
	scan := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock() // ForEachMaster scans masters concurrently
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	ctx := context.Background()
	switch c := rc.(type) {
	case *redis.ClusterClient:
		require.NoError(t, c.ForEachMaster(ctx, scan))
	case *redis.Client:
		require.NoError(t, scan(ctx, c))
	}
	return keys
}

// mp encodes v as msgpack, as the Python side does.
func mp(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	require.NoError(t, err)
	return b
}

func unmp(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	require.NoError(t, msgpack.Unmarshal(b, &v))
	return v
}

// chunkValue is a text_chunks-like value of about size bytes.
func chunkValue(t testing.TB, i, size int) []byte {
	return mp(t, map[string]any{
		"tokens": 1200, "content": strings.Repeat("lorem ipsum dolor sit amet ", size/27),
		"chunk_order_index": i, "full_doc_id": "doc-" + randomHex(4),
	})
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + "-" + hex.EncodeToString([]byte{byte(i >> 16), byte(i >> 8), byte(i)})
	}
	return out
}

func itemsFor(t testing.TB, keys []string, value func(i int) []byte) []Item {
	items := make([]Item, len(keys))
	for i, k := range keys {
		items[i] = Item{ID: k, Value: value(i)}
	}
	return items
}
