package storage

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Values travel as plain SETs inside MULTI/EXEC, which does not roll back:
// an index key of the wrong type must stop the upsert before any value of
// the batch is written (checkIndexes), on every topology and with a TTL.
func TestUpsertWithAWrongTypeIndexWritesNothing(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers(t) {
		t.Run(srv.name, func(t *testing.T) {
			ns := hourTTLNamespace(t, srv)
			keys := ids("k", 200) // every bucket
			_, err := ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, "old") }))
			require.NoError(t, err)
			raw := rawClient(t, srv)
			bad := ns.keys.indexKey(bucketOf(keys[7]))
			require.NoError(t, raw.Set(ctx, bad, "not a sorted set", 0).Err())

			_, err = ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, "new") }))

			require.ErrorContains(t, err, "WRONGTYPE")
			require.ErrorContains(t, err, bad)
			for _, id := range keys {
				got, err := raw.Get(ctx, ns.keys.valueKey(id)).Bytes()
				require.NoError(t, err)
				require.Equal(t, mp(t, "old"), got, "value of %s changed by a rejected upsert", id)
			}
			require.NoError(t, raw.Del(ctx, bad).Err())
		})
	}
}

// With a TTL, each value's expiry (set by the index script after the plain
// SET in the same transaction) equals its index score exactly.
func TestUpsertValueExpiryEqualsIndexScore(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers(t) {
		t.Run(srv.name, func(t *testing.T) {
			ns := hourTTLNamespace(t, srv)
			keys := ids("k", 100)
			_, err := ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, i) }))
			require.NoError(t, err)
			raw := rawClient(t, srv)
			for _, id := range keys {
				expiry, err := raw.PExpireTime(ctx, ns.keys.valueKey(id)).Result()
				require.NoError(t, err)
				score, err := raw.ZScore(ctx, ns.keys.indexKey(bucketOf(id)), id).Result()
				require.NoError(t, err)
				require.Equal(t, float64(expiry.Milliseconds()), score, "expiry and index score of %s", id)
			}
		})
	}
}

func hourTTLNamespace(t *testing.T, srv server) *Namespace {
	c := newTestClient(t, srv.url, func(o *Options) { o.TTL = map[string]time.Duration{"ttl_ns": time.Hour} })
	return newTestNamespace(t, c, "ttl_ns")
}
