package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// The op table records every call on a store: calls, errors by kind, and a
// cumulative latency histogram; NGR_OP_STATS reports them per namespace.
func TestStoreRecordsOperationMetrics(t *testing.T) {
	url := os.Getenv("NGR_TEST_REDIS_URL")
	require.NotEmpty(t, url, "run through scripts/redis/with-redis.sh")
	h, err := openStore([]byte(`{"url":"`+url+`","key_prefix":"metrics_test"}`), "ns")
	require.NoError(t, err)
	defer closeStore(h)
	s, err := lookup[*store](handles, h)
	require.NoError(t, err)
	ctx := context.Background()
	run := func(op int32, req any) ([]byte, error) {
		payload, err := msgpack.Marshal(req)
		require.NoError(t, err)
		return s.run(ctx, op, payload)
	}
	_, err = run(opUpsert, map[string]any{"a": 1})
	require.NoError(t, err)
	for range 3 {
		_, err = run(opGet, "a")
		require.NoError(t, err)
	}
	_, err = run(opGet, 7) // not a str: a bad request, counted as an error
	require.Error(t, err)
	defer run(opDrop, nil)

	resp, err := run(opStats, 10)
	require.NoError(t, err)
	var stats struct {
		Keys       int64                 `msgpack:"keys"`
		Operations map[string]OpSnapshot `msgpack:"operations"`
		Memory     map[string]int64      `msgpack:"memory"`
	}
	require.NoError(t, msgpack.Unmarshal(resp, &stats))
	assert.EqualValues(t, 1, stats.Keys)
	get := stats.Operations["get"]
	assert.EqualValues(t, 4, get.Calls)
	assert.Equal(t, map[string]uint64{"serialization": 1}, get.Errors)
	assert.Len(t, get.LatencyCounts, len(latencyBounds))
	assert.LessOrEqual(t, get.LatencyCounts[len(get.LatencyCounts)-1], get.Calls)
	assert.Positive(t, get.LatencySum)
	assert.EqualValues(t, 1, stats.Operations["upsert"].Calls)
	assert.NotContains(t, stats.Operations, "delete", "ops never called are left out")
	assert.EqualValues(t, 1, stats.Memory["keys"])
}

func TestHistogramBucketsAreCumulative(t *testing.T) {
	m := newOpMetrics("x")
	for _, d := range []int64{10_000, 200_000, 200_000, 20_000_000_000} { // 10µs, 200µs x2, 20s
		m.observe(time.Duration(d), nil)
	}
	s := m.snapshot()
	assert.EqualValues(t, 4, s.Calls)
	assert.EqualValues(t, 1, s.LatencyCounts[0])                    // <= 50µs
	assert.EqualValues(t, 3, s.LatencyCounts[2])                    // <= 250µs
	assert.EqualValues(t, 3, s.LatencyCounts[len(latencyBounds)-1]) // <= 10s: the 20s call is only in +Inf
}

// BenchmarkObserve is what recording costs per operation (two clock reads
// are in store.run, outside it): compare with a ~25 µs loopback round trip.
func BenchmarkObserve(b *testing.B) {
	m := newNSMetrics()
	for i := 0; i < b.N; i++ {
		m.observe(opGet, 30*time.Microsecond, nil)
	}
}

func BenchmarkObserveWithClock(b *testing.B) {
	m := newNSMetrics()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		m.observe(opGet, time.Since(start), nil)
	}
}
