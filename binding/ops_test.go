package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// testNamespaces opens a fresh namespace on the single node and on the
// cluster (servers from scripts/redis/with-redis.sh) and drops it afterwards.
func testNamespaces(t *testing.T) map[string]*storage.Namespace {
	t.Helper()
	out := map[string]*storage.Namespace{}
	for topo, env := range map[string]string{"single": "NGR_TEST_REDIS_URL", "cluster": "NGR_TEST_CLUSTER_URL"} {
		url := os.Getenv(env)
		if url == "" {
			t.Fatalf("%s is not set: run through scripts/redis/with-redis.sh or make test", env)
		}
		c, err := storage.New(context.Background(), &storage.Options{URL: url})
		require.NoError(t, err)
		ns, err := c.Namespace(fmt.Sprintf("binding_test_%d", rand.Int63()))
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = ns.Drop(context.Background())
			_ = c.Close()
		})
		out[topo] = ns
	}
	return out
}

func call(t *testing.T, ns *storage.Namespace, op int32, req any) any {
	t.Helper()
	payload, err := msgpack.Marshal(req)
	require.NoError(t, err)
	resp, err := runOp(context.Background(), ns, op, payload)
	require.NoError(t, err)
	var out any
	require.NoError(t, msgpack.Unmarshal(resp, &out))
	return out
}

func TestOpsEncodeExactlyAsTheHeaderSays(t *testing.T) {
	for topo, ns := range testNamespaces(t) {
		t.Run(topo, func(t *testing.T) {
			values := map[string]any{"a": map[string]any{"x": int8(1), "y": "z"}, "b": []any{"l"}}
			assert.EqualValues(t, 2, call(t, ns, opUpsert, values))
			assert.Equal(t, values["a"], call(t, ns, opGet, "a"))
			assert.Nil(t, call(t, ns, opGet, "missing"))
			assert.Equal(t, []any{values["b"], nil, values["a"]}, call(t, ns, opGetMany, []any{[]string{"b", "zz", "a"}, nil}))
			assert.Equal(t, []any{map[string]any{"y": "z"}}, call(t, ns, opGetMany, []any{[]string{"a"}, []string{"y"}}))
			assert.Equal(t, []any{"zz"}, call(t, ns, opFilterMissing, []string{"a", "zz"}))
			assert.Equal(t, []any{}, call(t, ns, opFilterMissing, []string{"a"}))
			assert.ElementsMatch(t, []any{"a", "b"}, call(t, ns, opAllKeys, nil))
			assert.EqualValues(t, 2, call(t, ns, opCount, nil))
			assert.Equal(t, true, call(t, ns, opDelete, "a"))
			assert.Equal(t, false, call(t, ns, opDelete, "a"))
			assert.EqualValues(t, 0, call(t, ns, opRepair, nil))
			stats := call(t, ns, opStats, nil).(map[string]any)
			assert.EqualValues(t, 1, stats["keys"])
			assert.EqualValues(t, 1, call(t, ns, opDrop, nil))
			assert.Equal(t, []any{}, call(t, ns, opAllKeys, nil))
		})
	}
}

func TestUpsertStoresValueBytesVerbatim(t *testing.T) {
	ns := testNamespaces(t)["single"]
	// A map value with a deliberately non-canonical encoding (a str8 header for a
	// short string) must come back byte for byte, not re-encoded.
	raw := []byte{0x81, 0xd9, 0x01, 'k', 0xa1, 'v'}
	req := append([]byte{0x81, 0xa2, 'i', 'd'}, raw...)
	_, err := runOp(context.Background(), ns, opUpsert, req)
	require.NoError(t, err)
	resp, err := runOp(context.Background(), ns, opGet, []byte{0xa2, 'i', 'd'})
	require.NoError(t, err)
	assert.Equal(t, raw, resp)
}

func TestBadRequestsAreRejected(t *testing.T) {
	ns := testNamespaces(t)["single"]
	_, err := runOp(context.Background(), ns, 99, nil)
	assert.Equal(t, statusBadRequest, statusOf(err))
	_, err = runOp(context.Background(), ns, opGet, []byte{0xc1})
	assert.Equal(t, statusSerialization, statusOf(err))
	_, err = runOp(context.Background(), ns, opUpsert, []byte{0x81, 0x01, 0x02}) // int key
	assert.Equal(t, statusSerialization, statusOf(err))
	_, err = runOp(context.Background(), ns, opUpsert, []byte{0x82, 0xa1, 'a', 0x01}) // truncated
	assert.Equal(t, statusSerialization, statusOf(err))
	n, err := runOp(context.Background(), ns, opCount, nil)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x00}, n, "a rejected batch writes nothing")
}

// Issue #9, defect 2: decodeUpsert preallocated whatever map length the
// request claimed, and five bytes (a map32 header claiming 2^31 entries)
// ended in "fatal error: runtime: out of memory". Every op now refuses a
// request whose headers promise more than its bytes hold, before decoding,
// and a value nested millions deep is skipped without recursion.
func TestHostileRequestsAreRejectedNotAllocated(t *testing.T) {
	ns := testNamespaces(t)["single"]
	deepValue := append([]byte{0x81, 0xa1, 'k'}, bytes.Repeat([]byte{0x91}, 5_000_000)...)
	for name, req := range map[string][]byte{
		"map32 claiming 2^31 entries": {0xdf, 0x7f, 0xff, 0xff, 0xff},
		"array32 claiming 2^32-1 ids": {0xdd, 0xff, 0xff, 0xff, 0xff},
		"str32 claiming 4 GB":         {0xdb, 0xff, 0xff, 0xff, 0xff},
		"deep value, truncated":       deepValue,
		"trailing bytes":              {0xa1, 'a', 0xc0},
	} {
		for _, op := range []int32{opUpsert, opGet, opGetMany, opFilterMissing, opDelete} {
			_, err := runOp(context.Background(), ns, op, req)
			assert.Equal(t, statusSerialization, statusOf(err), "%s, op %d: %v", name, op, err)
		}
	}
	written, err := runOp(context.Background(), ns, opUpsert, append(deepValue, 0xc0))
	require.NoError(t, err, "a deep but complete value is valid msgpack and is stored")
	assert.Equal(t, []byte{0x01}, written)
}
