package storage

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Benchmarks of 10k-item batches of ~4.5 KB text_chunks-like values, on
// single node and cluster. Throughput: items/s = 10000 / (ns/op * 1e-9);
// also reported as MB/s via SetBytes.
const benchItems = 10_000

func benchNamespace(b *testing.B, srv server) (*Namespace, []Item) {
	ns := newTestNamespace(b, newTestClient(b, srv.url, nil), "text_chunks")
	keys := ids("bench", benchItems)
	items := itemsFor(b, keys, func(i int) []byte { return chunkValue(b, i, 4500) })
	_, err := ns.Upsert(context.Background(), items)
	require.NoError(b, err)
	return ns, items
}

func batchBytes(items []Item) int64 {
	var n int64
	for _, it := range items {
		n += int64(len(it.Value))
	}
	return n
}

func BenchmarkBatch10k(b *testing.B) {
	ctx := context.Background()
	for _, srv := range servers(b) {
		ns, items := benchNamespace(b, srv)
		keys := make([]string, len(items))
		for i, it := range items {
			keys[i] = it.ID
		}
		b.Run(srv.name+"/Upsert", func(b *testing.B) {
			b.SetBytes(batchBytes(items))
			for b.Loop() {
				_, err := ns.Upsert(ctx, items)
				require.NoError(b, err)
			}
		})
		b.Run(srv.name+"/GetMany", func(b *testing.B) {
			b.SetBytes(batchBytes(items))
			for b.Loop() {
				got, err := ns.GetMany(ctx, keys, nil)
				require.NoError(b, err)
				require.NotNil(b, got[benchItems-1])
			}
		})
		b.Run(srv.name+"/GetManyFields", func(b *testing.B) {
			for b.Loop() {
				_, err := ns.GetMany(ctx, keys, []string{"tokens", "full_doc_id"})
				require.NoError(b, err)
			}
		})
		b.Run(srv.name+"/FilterMissing", func(b *testing.B) {
			for b.Loop() {
				missing, err := ns.FilterMissing(ctx, keys)
				require.NoError(b, err)
				require.Empty(b, missing)
			}
		})
	}
}

// BenchmarkAdminBeside1MKeys: AllKeys and Count on a 1000-id namespace cost
// the same in an empty database and beside 1M other keys.
func BenchmarkAdminBeside1MKeys(b *testing.B) {
	ctx := context.Background()
	single := servers(b)[0]
	for _, srv := range []server{{"db0", single.url}, {"db9_1M_other_keys", millionKeysServer(b).url}} {
		ns := newTestNamespace(b, newTestClient(b, srv.url, nil), "bench_admin")
		_, err := ns.Upsert(ctx, itemsFor(b, ids("a", 1000), func(i int) []byte { return mp(b, i) }))
		require.NoError(b, err)
		b.Run(fmt.Sprintf("%s/AllKeys", srv.name), func(b *testing.B) {
			for b.Loop() {
				keys, err := ns.AllKeys(ctx)
				require.NoError(b, err)
				require.Len(b, keys, 1000)
			}
		})
		b.Run(fmt.Sprintf("%s/Count", srv.name), func(b *testing.B) {
			for b.Loop() {
				n, err := ns.Count(ctx)
				require.NoError(b, err)
				require.EqualValues(b, 1000, n)
			}
		})
	}
}
