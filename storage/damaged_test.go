package storage

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Damaged stored data (issue #9, defects 5 and 6): whatever bytes sit in
// Redis, a read gives a value or ErrCorruptValue naming the id, and costs
// no more memory than max_value_size.

// A "decompression bomb": a few KB behind the compression marker that
// inflate to 100 MB. Before, a read decompressed all of it (the issue's
// 400 MB version took RSS to 2.1 GB); now it stops at max_value_size.
func TestDecompressionStopsAtMaxValueSize(t *testing.T) {
	ctx := context.Background()
	srv := servers(t)[0]
	c := newTestClient(t, srv.url, func(o *Options) { o.MaxValueSize = 1 << 20 })
	ns := newTestNamespace(t, c, "full_docs")
	raw := rawClient(t, srv)
	for _, window := range []int{128 << 10, 8 << 20} { // a window within and beyond max_value_size
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithWindowSize(window))
		require.NoError(t, err)
		bomb := enc.EncodeAll(make([]byte, 100<<20), []byte{compressedMarker})
		require.Less(t, len(bomb), 64<<10)
		require.NoError(t, raw.Set(ctx, ns.keys.valueKey("bomb"), bomb, 0).Err())

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = ns.Get(ctx, "bomb")
		runtime.ReadMemStats(&after)
		assert.ErrorIs(t, err, ErrCorruptValue)
		assert.ErrorContains(t, err, `"bomb"`)
		assert.ErrorContains(t, err, "max_value_size")
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "bytes allocated by the read")

		_, err = ns.GetMany(ctx, []string{"bomb"}, []string{"x"})
		assert.ErrorIs(t, err, ErrCorruptValue)
	}

	// a compressed value just under the limit still reads
	fits := append([]byte{0xc6, 0, 0x0f, 0xff, 0xf0}, bytes.Repeat([]byte{0x01}, 1<<20-16)...)
	c.opts.CompressThreshold = 1024
	_, err := ns.Upsert(ctx, []Item{{"fits", fits}})
	require.NoError(t, err)
	got, err := ns.Get(ctx, "fits")
	require.NoError(t, err)
	assert.Equal(t, fits, got)
}

// Every kind of damaged value is ErrCorruptValue naming the namespace and
// EVERY bad id, on every topology; a batch with any bad value fails whole.
// Before, only compressed values were checked: garbage reached the caller.
func TestDamagedValuesNameEveryBadID(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers(t)[:2] {
		t.Run(srv.name, func(t *testing.T) {
			ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "text_chunks")
			good := mp(t, map[string]any{"a": 1})
			_, err := ns.Upsert(ctx, []Item{{"good", good}})
			require.NoError(t, err)
			raw := rawClient(t, srv)
			damaged := map[string][]byte{
				"empty":     {},
				"garbage":   {0xc1, 0xff, 0x00},
				"truncated": good[:len(good)-1],
				"trailing":  append(append([]byte{}, good...), 0x01),
				"deep":      append(bytes.Repeat([]byte{0x91}, maxValueDepth+1), 0xc0),
			}
			var bad []string
			for id, v := range damaged {
				require.NoError(t, raw.Set(ctx, ns.keys.valueKey(id), v, 0).Err())
				bad = append(bad, id)

				_, err := ns.Get(ctx, id)
				var cv *CorruptValuesError
				require.ErrorAs(t, err, &cv, id)
				assert.Equal(t, []string{id}, cv.IDs)
				assert.ErrorIs(t, err, ErrCorruptValue)
				assert.ErrorContains(t, err, `"text_chunks"`)
			}
			_, err = ns.GetMany(ctx, append([]string{"good", "missing"}, bad...), nil)
			var cv *CorruptValuesError
			require.ErrorAs(t, err, &cv)
			assert.ElementsMatch(t, bad, cv.IDs)
			for _, id := range bad {
				assert.ErrorContains(t, err, `"`+id+`"`)
			}
			_, err = ns.GetMany(ctx, bad, []string{"a"})
			require.ErrorAs(t, err, &cv)
			assert.ElementsMatch(t, bad, cv.IDs, "with fields too")
			got, err := ns.GetMany(ctx, []string{"good", "missing"}, nil)
			require.NoError(t, err)
			assert.Equal(t, [][]byte{good, nil}, got, "the good ids still read")
		})
	}
}

// An index key of the wrong type (written by another program): upsert and
// delete fail before changing anything in that bucket. Before, the script
// SET the value, then failed on ZADD: a value the index did not list.
func TestWrongTypeIndexChangesNothing(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers(t)[:2] {
		t.Run(srv.name, func(t *testing.T) {
			ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "full_docs")
			old := mp(t, "old")
			_, err := ns.Upsert(ctx, []Item{{"k", old}})
			require.NoError(t, err)
			raw := rawClient(t, srv)
			index := ns.keys.indexKey(bucketOf("k"))
			require.NoError(t, raw.Del(ctx, index).Err())
			require.NoError(t, raw.Set(ctx, index, "not a sorted set", 0).Err())

			_, err = ns.Upsert(ctx, []Item{{"k", mp(t, "new")}})
			assert.ErrorContains(t, err, "WRONGTYPE index key")
			assert.ErrorContains(t, err, "nothing was changed")
			stored, err := raw.Get(ctx, ns.keys.valueKey("k")).Bytes()
			require.NoError(t, err)
			assert.Equal(t, old, stored, "upsert changed nothing")

			_, err = ns.Delete(ctx, "k")
			assert.ErrorContains(t, err, "WRONGTYPE index key")
			assert.EqualValues(t, 1, raw.Exists(ctx, ns.keys.valueKey("k")).Val(), "delete changed nothing")

			require.NoError(t, raw.Del(ctx, index).Err()) // the fix the message asks for
			fixed, err := ns.Repair(ctx)
			require.NoError(t, err)
			assert.EqualValues(t, 1, fixed)
			all, err := ns.AllKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, []string{"k"}, all)
		})
	}
}

// A deleted index: ids stay readable but were invisible to Count and
// AllKeys, and Repair could not rebuild it. Now Repair lists them again,
// with their expiry, and leaves other namespaces alone.
func TestRepairRebuildsADeletedIndex(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers(t)[:2] {
		t.Run(srv.name, func(t *testing.T) {
			c := newTestClient(t, srv.url, func(o *Options) { o.TTL = map[string]time.Duration{"llm_response_cache": time.Hour} })
			ns := newTestNamespace(t, c, "llm_response_cache")
			other := newTestNamespace(t, c, "llm_response_cache:2") // its keys match a naive pattern
			keys := ids("r", 300)
			_, err := ns.Upsert(ctx, itemsFor(t, keys, func(int) []byte { return mp(t, "v") }))
			require.NoError(t, err)
			_, err = other.Upsert(ctx, []Item{{"x", mp(t, "v")}})
			require.NoError(t, err)
			raw := rawClient(t, srv)
			for b := range numBuckets {
				require.NoError(t, raw.Del(ctx, ns.keys.indexKey(b)).Err())
			}
			count, err := ns.Count(ctx)
			require.NoError(t, err)
			require.Zero(t, count, "the ids are invisible")

			fixed, err := ns.Repair(ctx)
			require.NoError(t, err)
			assert.EqualValues(t, 300, fixed)
			all, err := ns.AllKeys(ctx)
			require.NoError(t, err)
			assert.ElementsMatch(t, keys, all)
			score := raw.ZScore(ctx, ns.keys.indexKey(bucketOf(keys[0])), keys[0]).Val()
			expiry := raw.PExpireTime(ctx, ns.keys.valueKey(keys[0])).Val()
			assert.Equal(t, float64(expiry.Milliseconds()), score, "scored with the value's expiry")
			assert.Positive(t, raw.PTTL(ctx, ns.keys.indexKey(bucketOf(keys[0]))).Val(), "the index expires with its values")
			again, err := ns.Repair(ctx)
			require.NoError(t, err)
			assert.Zero(t, again)
			otherAll, err := other.AllKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, []string{"x"}, otherAll)
		})
	}
}
