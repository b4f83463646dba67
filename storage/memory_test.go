package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEstimateMemory(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers(t)[:2] { // single node and cluster
		t.Run(srv.name, func(t *testing.T) {
			ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "memory")
			empty, err := ns.EstimateMemory(ctx, 100)
			require.NoError(t, err)
			assert.Equal(t, MemoryEstimate{}, empty)

			keys := ids("m", 600)
			_, err = ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return chunkValue(t, i, 2000) }))
			require.NoError(t, err)
			est, err := ns.EstimateMemory(ctx, 100)
			require.NoError(t, err)
			assert.EqualValues(t, 600, est.Keys)
			assert.GreaterOrEqual(t, est.Sampled, 64, "at least one value per non-empty bucket")
			assert.LessOrEqual(t, est.Sampled, 128, "bounded by ceil(samples/64) per bucket")
			assert.Positive(t, est.IndexBytes)
			// Each value holds ~2000 bytes of text; Redis adds its own overhead.
			assert.Greater(t, est.Bytes, int64(600*2000))
			assert.Less(t, est.Bytes, int64(600*4000))
		})
	}
}
