package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kvCase runs against one server; every case runs on single, cluster AND
// sentinel (a master with one replica behind redis-sentinel).
type kvCase struct {
	name        string
	run         func(t *testing.T, srv server)
	clusterOnly bool // not registered at all on single (never skipped)
}

func TestKV(t *testing.T) {
	for _, srv := range servers(t) {
		t.Run(srv.name, func(t *testing.T) {
			for _, tc := range kvCases {
				if tc.clusterOnly && srv.name != "cluster" {
					continue
				}
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, srv)
				})
			}
		})
	}
}

var kvCases = []kvCase{
	{name: "every_operation", run: testEveryOperation},
	{name: "order_and_missing_ids", run: testOrderAndMissing},
	{name: "fields_projection", run: testFieldsProjection},
	{name: "binary_safe_ids", run: testBinarySafeIDs},
	{name: "empty_batches", run: testEmptyBatches},
	{name: "batch_of_100k", run: testBatchOf100k},
	{name: "ttl_expiry_exact_count", run: testTTLExpiry},
	{name: "namespace_isolation", run: testNamespaceIsolation},
	{name: "workspaces", run: testWorkspaces},
	{name: "concurrent_upserts_same_keys", run: testConcurrentUpserts},
	{name: "rejected_batch_writes_nothing", run: testRejectedBatch},
	{name: "compression_round_trip", run: testCompression},
	{name: "repair_after_value_deleted_behind_our_back", run: testRepair},
	{name: "closed_client", run: testClosed},
	{name: "topology_detected", run: testTopologyDetected},
	{name: "slot_migrated_during_reads_and_writes", run: testSlotMigration, clusterOnly: true},
}

func testEveryOperation(t *testing.T, srv server) {
	ctx := context.Background()
	c := newTestClient(t, srv.url, nil)
	ns := newTestNamespace(t, c, "text_chunks")
	a, b := mp(t, map[string]any{"content": "A"}), mp(t, map[string]any{"content": "B"})

	n, err := ns.Upsert(ctx, []Item{{"a", a}, {"b", b}, {"c", b}})
	require.NoError(t, err)
	assert.Equal(t, 3, n)

	got, err := ns.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, a, got)
	got, err = ns.Get(ctx, "nope")
	require.NoError(t, err)
	assert.Nil(t, got)

	many, err := ns.GetMany(ctx, []string{"b", "a"}, nil)
	require.NoError(t, err)
	assert.Equal(t, [][]byte{b, a}, many)

	missing, err := ns.FilterMissing(ctx, []string{"a", "x", "c", "y"})
	require.NoError(t, err)
	assert.Equal(t, []string{"x", "y"}, missing)

	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 3, count)
	keys, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"a", "b", "c"}, keys)

	// overwrite keeps the count
	_, err = ns.Upsert(ctx, []Item{{"a", b}})
	require.NoError(t, err)
	got, _ = ns.Get(ctx, "a")
	assert.Equal(t, b, got)

	deleted, err := ns.Delete(ctx, "a")
	require.NoError(t, err)
	assert.True(t, deleted)
	deleted, err = ns.Delete(ctx, "a")
	require.NoError(t, err)
	assert.False(t, deleted)

	st, err := ns.Stats(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, st.Keys)
	assert.Equal(t, "text_chunks", st.Namespace)
	assert.Equal(t, Topology(srv.name), st.Topology)
	assert.Equal(t, numBuckets, st.Buckets)
	assert.Equal(t, c.opts.KeyPrefix, st.KeyPrefix)
	assert.EqualValues(t, 2, st.Ops.Upserts)
	assert.EqualValues(t, 4, st.Ops.ItemsWritten)
	assert.EqualValues(t, 1, st.Ops.Misses)
	assert.EqualValues(t, 2, st.Ops.Deletes)
	assert.NotZero(t, st.Pool.TotalConns)

	dropped, err := ns.Drop(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, dropped)
	count, err = ns.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, count)
	assert.Empty(t, rawKeys(t, rawClient(t, srv), c.opts.KeyPrefix+":*"), "drop leaves no key behind")
}

func testOrderAndMissing(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "full_docs")
	keys := ids("doc", 300)
	_, err := ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, i) }))
	require.NoError(t, err)

	ask := []string{keys[299], "missing-1", keys[0], keys[150], "missing-2", keys[0]}
	got, err := ns.GetMany(ctx, ask, nil)
	require.NoError(t, err)
	require.Len(t, got, len(ask))
	assert.Equal(t, mp(t, 299), got[0])
	assert.Nil(t, got[1])
	assert.Equal(t, mp(t, 0), got[2])
	assert.Equal(t, mp(t, 150), got[3])
	assert.Nil(t, got[4])
	assert.Equal(t, mp(t, 0), got[5])

	missing, err := ns.FilterMissing(ctx, ask)
	require.NoError(t, err)
	assert.Equal(t, []string{"missing-1", "missing-2"}, missing)
}

func testFieldsProjection(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "community_reports")
	report := map[string]any{
		"report_string": "r", "level": int8(1), "title": "T",
		"edges": []any{[]any{"a", "b"}}, "report_json": map[string]any{"x": "y"},
	}
	_, err := ns.Upsert(ctx, []Item{{"0", mp(t, report)}, {"s", mp(t, "not a map")}})
	require.NoError(t, err)

	got, err := ns.GetMany(ctx, []string{"0", "missing", "s"}, []string{"title", "edges", "absent"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"title": "T", "edges": []any{[]any{"a", "b"}}}, unmp(t, got[0]))
	assert.Nil(t, got[1])
	assert.Equal(t, "not a map", unmp(t, got[2]), "non-map values are returned whole")

	got, err = ns.GetMany(ctx, []string{"0"}, []string{})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{}, unmp(t, got[0]), "empty fields = empty map")
}

func testBinarySafeIDs(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "ids")
	keys := []string{"", "a b", "{x}", "}{", "{{", "a:v:b", "🦀 crab", "日本語", "tab\tnew\nline", "\x00\x00"}
	for b := 0; b < 256; b++ {
		keys = append(keys, string([]byte{byte(b)}), "k"+string([]byte{byte(b), 0xff}))
	}
	_, err := ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, i) }))
	require.NoError(t, err)

	got, err := ns.GetMany(ctx, keys, nil)
	require.NoError(t, err)
	for i := range keys {
		require.Equalf(t, mp(t, i), got[i], "id %q", keys[i])
	}
	all, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, keys, all)
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, len(keys), count)
	missing, err := ns.FilterMissing(ctx, keys)
	require.NoError(t, err)
	assert.Empty(t, missing)
	deleted, err := ns.Delete(ctx, "{x}")
	require.NoError(t, err)
	assert.True(t, deleted)
}

func testEmptyBatches(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "empty")
	n, err := ns.Upsert(ctx, nil)
	require.NoError(t, err)
	assert.Zero(t, n)
	got, err := ns.GetMany(ctx, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, got)
	missing, err := ns.FilterMissing(ctx, []string{})
	require.NoError(t, err)
	assert.Empty(t, missing)
	keys, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.Empty(t, keys)
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, count)
	dropped, err := ns.Drop(ctx)
	require.NoError(t, err)
	assert.Zero(t, dropped)
}

func testBatchOf100k(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "big")
	keys := ids("chunk", 100_000)
	n, err := ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, i) }))
	require.NoError(t, err)
	assert.Equal(t, 100_000, n)

	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 100_000, count)
	got, err := ns.GetMany(ctx, keys, nil)
	require.NoError(t, err)
	for i := range keys {
		require.Equal(t, mp(t, i), got[i])
	}
	missing, err := ns.FilterMissing(ctx, append(keys, "new-1", "new-2"))
	require.NoError(t, err)
	assert.Equal(t, []string{"new-1", "new-2"}, missing)
	all, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 100_000)
	dropped, err := ns.Drop(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 100_000, dropped)
}

func testTTLExpiry(t *testing.T, srv server) {
	ctx := context.Background()
	c := newTestClient(t, srv.url, func(o *Options) {
		o.TTL = map[string]time.Duration{"Short_Lived": time.Second}
	})
	short := newTestNamespace(t, c, "short_lived") // matched case-insensitively
	forever := newTestNamespace(t, c, "forever")
	_, err := short.Upsert(ctx, itemsFor(t, ids("s", 50), func(int) []byte { return mp(t, "v") }))
	require.NoError(t, err)
	_, err = forever.Upsert(ctx, itemsFor(t, ids("f", 5), func(int) []byte { return mp(t, "v") }))
	require.NoError(t, err)
	count, err := short.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 50, count)

	time.Sleep(1100 * time.Millisecond) // let the 1 s TTL pass

	count, err = short.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, count, "expired ids are not counted, even before Redis evicts them")
	keys, err := short.AllKeys(ctx)
	require.NoError(t, err)
	assert.Empty(t, keys)
	got, err := short.Get(ctx, ids("s", 1)[0])
	require.NoError(t, err)
	assert.Nil(t, got)
	count, err = forever.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 5, count)

	_, err = short.Upsert(ctx, itemsFor(t, ids("s", 3), func(int) []byte { return mp(t, "again") }))
	require.NoError(t, err)
	count, err = short.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 3, count)
}

func testNamespaceIsolation(t *testing.T, srv server) {
	ctx := context.Background()
	c := newTestClient(t, srv.url, nil)
	names := []string{"full_docs", "text_chunks", "llm_response_cache"}
	spaces := map[string]*Namespace{}
	keys := ids("same", 200)
	for _, name := range names {
		spaces[name] = newTestNamespace(t, c, name)
		_, err := spaces[name].Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, name) }))
		require.NoError(t, err)
	}
	dropped, err := spaces["text_chunks"].Drop(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 200, dropped)
	for _, name := range names {
		count, err := spaces[name].Count(ctx)
		require.NoError(t, err)
		if name == "text_chunks" {
			assert.Zero(t, count)
			continue
		}
		assert.EqualValues(t, 200, count, name)
		got, err := spaces[name].GetMany(ctx, keys[:1], nil)
		require.NoError(t, err)
		assert.Equal(t, mp(t, name), got[0])
	}
}

func testConcurrentUpserts(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "race")
	keys := ids("hot", 500)
	var wg sync.WaitGroup
	errs := make(chan error, 16*5)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 5; round++ {
				_, err := ns.Upsert(ctx, itemsFor(t, keys, func(int) []byte { return mp(t, fmt.Sprint(g, round)) }))
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 500, count)
	all, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, keys, all)
	repaired, err := ns.Repair(ctx)
	require.NoError(t, err)
	assert.Zero(t, repaired, "index and values agree")
}

func testRejectedBatch(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, func(o *Options) { o.MaxValueSize = 1024 }), "strict")
	good := itemsFor(t, ids("ok", 100), func(int) []byte { return mp(t, "small") })
	for _, bad := range []struct {
		value []byte
		is    error
	}{
		{make([]byte, 2000), ErrValueTooLarge},
		{nil, ErrCorruptValue},
		{[]byte{0xc1, 1}, ErrCorruptValue},
	} {
		batch := append(append([]Item{}, good...), Item{ID: "the-bad-one", Value: bad.value})
		n, err := ns.Upsert(ctx, batch)
		require.ErrorIs(t, err, bad.is)
		assert.Zero(t, n)
		assert.Contains(t, err.Error(), `"the-bad-one"`, "the error names the key")
	}
	var tooLarge *ValueTooLargeError
	_, err := ns.Upsert(ctx, []Item{{ID: "huge", Value: make([]byte, 1025)}})
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, ValueTooLargeError{Key: "huge", Size: 1025, Max: 1024}, *tooLarge)

	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, count, "nothing written")
	got, err := ns.Get(ctx, good[0].ID)
	require.NoError(t, err)
	assert.Nil(t, got)
}

func testCompression(t *testing.T, srv server) {
	ctx := context.Background()
	c := newTestClient(t, srv.url, func(o *Options) { o.CompressThreshold = 256 })
	ns := newTestNamespace(t, c, "text_chunks")
	big, small := chunkValue(t, 1, 4500), mp(t, map[string]any{"content": "tiny"})
	_, err := ns.Upsert(ctx, []Item{{"big", big}, {"small", small}})
	require.NoError(t, err)

	raw := rawClient(t, srv)
	storedBig, err := raw.Get(ctx, ns.keys.valueKey("big")).Bytes()
	require.NoError(t, err)
	assert.EqualValues(t, compressedMarker, storedBig[0])
	assert.Less(t, len(storedBig), len(big))
	storedSmall, err := raw.Get(ctx, ns.keys.valueKey("small")).Bytes()
	require.NoError(t, err)
	assert.Equal(t, small, storedSmall, "below the threshold values are stored verbatim")

	got, err := ns.GetMany(ctx, []string{"big", "small"}, nil)
	require.NoError(t, err)
	assert.Equal(t, [][]byte{big, small}, got)
	projected, err := ns.GetMany(ctx, []string{"big"}, []string{"tokens"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"tokens": uint16(1200)}, unmp(t, projected[0]))

	// a client without compression still reads compressed values
	plain, err := newTestClientSharing(t, c, srv).Namespace("text_chunks")
	require.NoError(t, err)
	got1, err := plain.Get(ctx, "big")
	require.NoError(t, err)
	assert.Equal(t, big, got1)

	require.NoError(t, raw.Set(ctx, ns.keys.valueKey("broken"), []byte{compressedMarker, 1, 2, 3}, 0).Err())
	_, err = ns.Get(ctx, "broken")
	assert.ErrorIs(t, err, ErrCorruptValue)
	assert.Contains(t, err.Error(), `"broken"`)
}

// newTestClientSharing opens a second client on the same prefix as c.
func newTestClientSharing(t *testing.T, c *Client, srv server) *Client {
	return newTestClient(t, srv.url, func(o *Options) { o.KeyPrefix = c.opts.KeyPrefix })
}

func testRepair(t *testing.T, srv server) {
	ctx := context.Background()
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "full_docs")
	keys := ids("r", 10)
	_, err := ns.Upsert(ctx, itemsFor(t, keys, func(int) []byte { return mp(t, "v") }))
	require.NoError(t, err)
	raw := rawClient(t, srv)
	for _, id := range keys[:3] {
		require.NoError(t, raw.Unlink(ctx, ns.keys.valueKey(id)).Err())
	}
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 10, count, "the index still lists the 3 deleted values")

	repaired, err := ns.Repair(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 3, repaired)
	count, err = ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 7, count)
	all, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, keys[3:], all)
	repaired, err = ns.Repair(ctx)
	require.NoError(t, err)
	assert.Zero(t, repaired)
}

func testClosed(t *testing.T, srv server) {
	ctx := context.Background()
	c := newTestClient(t, srv.url, nil)
	ns, err := c.Namespace("x")
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "closing twice is a no-op")
	_, err = ns.Get(ctx, "a")
	assert.ErrorIs(t, err, ErrClosed)
	_, err = ns.Upsert(ctx, []Item{{"a", mp(t, 1)}})
	assert.ErrorIs(t, err, ErrClosed)
	_, err = ns.Count(ctx)
	assert.ErrorIs(t, err, ErrClosed)
	_, err = c.Namespace("y")
	assert.ErrorIs(t, err, ErrClosed)
}

func testTopologyDetected(t *testing.T, srv server) {
	c := newTestClient(t, srv.url, nil)
	assert.Equal(t, Topology(srv.name), c.Topology())
	if srv.name == "sentinel" {
		// the redis+sentinel:// scheme decides; a contradicting topology is a config error
		_, err := New(context.Background(), &Options{URL: srv.url, Topology: TopologySingle})
		assert.True(t, errors.Is(err, ErrConfig))
		return
	}
	forced := newTestClient(t, srv.url, func(o *Options) { o.Topology = TopologySingle })
	assert.Equal(t, TopologySingle, forced.Topology(), "an explicit topology overrides detection")
	_, err := New(context.Background(), &Options{URL: srv.url, Topology: TopologySentinel})
	assert.True(t, errors.Is(err, ErrConfig))
}
