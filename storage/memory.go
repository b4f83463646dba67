package storage

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// MemoryEstimate is a sampled estimate of a namespace's memory in Redis:
// every index measured, values extrapolated from a bounded random sample.
type MemoryEstimate struct {
	Keys         int64 `msgpack:"keys"`          // exact live count (Count)
	Sampled      int   `msgpack:"sampled"`       // value keys measured
	SampledBytes int64 `msgpack:"sampled_bytes"` // their MEMORY USAGE total
	IndexBytes   int64 `msgpack:"index_bytes"`   // MEMORY USAGE of the 64 indexes
	Bytes        int64 `msgpack:"bytes"`         // IndexBytes + Keys * SampledBytes/Sampled
}

// EstimateMemory measures about samples random values (ZRANDMEMBER per
// bucket) and every bucket index with MEMORY USAGE. Its cost is bounded by
// samples + 2*64 commands in three pipelined round trips, whatever the
// namespace holds; never a SCAN.
func (n *Namespace) EstimateMemory(ctx context.Context, samples int) (MemoryEstimate, error) {
	keys, err := n.Count(ctx)
	if err != nil {
		return MemoryEstimate{}, err
	}
	perBucket := max((samples+numBuckets-1)/numBuckets, 1)
	picks, err := n.perBucket(ctx, "memory", func(pipe redis.Pipeliner, index string) redis.Cmder {
		return pipe.ZRandMember(ctx, index, perBucket)
	})
	if err != nil {
		return MemoryEstimate{}, err
	}
	pipe := n.c.rdb.Pipeline()
	var indexCmds, valueCmds []*redis.IntCmd
	for b, cmd := range picks {
		indexCmds = append(indexCmds, pipe.MemoryUsage(ctx, n.keys.indexKey(b)))
		for _, id := range cmd.(*redis.StringSliceCmd).Val() {
			valueCmds = append(valueCmds, pipe.MemoryUsage(ctx, n.keys.valueKeyIn(b, id)))
		}
	}
	if _, err := n.c.execPipeline(ctx, "memory", pipe); err != nil {
		return MemoryEstimate{}, err
	}
	est := MemoryEstimate{Keys: keys}
	for _, cmd := range indexCmds {
		est.IndexBytes += cmd.Val() // 0 for a missing index (redis.Nil)
	}
	for _, cmd := range valueCmds {
		if cmd.Err() == nil { // a value that expired since the pick is skipped
			est.Sampled++
			est.SampledBytes += cmd.Val()
		}
	}
	est.Bytes = est.IndexBytes
	if est.Sampled > 0 {
		est.Bytes += keys * est.SampledBytes / int64(est.Sampled)
	}
	return est, nil
}
