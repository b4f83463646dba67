package storage

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Namespace-wide operations walk the 64 bucket indexes, never the keyspace:
// their cost is O(namespace), whatever else the database holds.

// perBucket sends one command per bucket in one pipeline (per node in
// parallel on a cluster) and returns the commands in bucket order.
func (n *Namespace) perBucket(ctx context.Context, op string, send func(pipe redis.Pipeliner, index string) redis.Cmder) ([]redis.Cmder, error) {
	if err := n.c.checkOpen(); err != nil {
		return nil, err
	}
	pipe := n.c.rdb.Pipeline()
	cmds := make([]redis.Cmder, numBuckets)
	for b := range cmds {
		cmds[b] = send(pipe, n.keys.indexKey(b))
	}
	if _, err := execPipeline(ctx, op, pipe); err != nil {
		return nil, err
	}
	return cmds, nil
}

// Count returns the exact number of live ids: per bucket, a ZCOUNT of the
// index from the server's now to +inf, so ids whose TTL passed are not
// counted even before Redis evicts them. O(buckets * log n).
func (n *Namespace) Count(ctx context.Context) (int64, error) {
	cmds, err := n.perBucket(ctx, "count", func(pipe redis.Pipeliner, index string) redis.Cmder {
		return countScript.Eval(ctx, pipe, []string{index})
	})
	if err != nil {
		return 0, err
	}
	var total int64
	for _, cmd := range cmds {
		v, _ := cmd.(*redis.Cmd).Int64()
		total += v
	}
	return total, nil
}

// AllKeys returns every live id, grouped by bucket (no particular order).
func (n *Namespace) AllKeys(ctx context.Context) ([]string, error) {
	cmds, err := n.perBucket(ctx, "all_keys", func(pipe redis.Pipeliner, index string) redis.Cmder {
		return liveMembersScript.Eval(ctx, pipe, []string{index})
	})
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, cmd := range cmds {
		members, _ := cmd.(*redis.Cmd).StringSlice()
		ids = append(ids, members...)
	}
	return ids, nil
}

// Drop removes every value and index entry of the namespace and returns how
// many live values it removed. Values written concurrently with Drop may
// survive it.
func (n *Namespace) Drop(ctx context.Context) (int64, error) {
	return n.sweep(ctx, "drop", false)
}

// Repair removes index entries whose value key is gone (deleted behind our
// back, or an interrupted write by an older layout) and returns how many.
// Expired entries are also removed. Values are never touched.
func (n *Namespace) Repair(ctx context.Context) (int64, error) {
	return n.sweep(ctx, "repair", true)
}

// sweep reads each bucket's whole index, then runs removeScript over it in
// chunks of BatchSize ids, chunks packed into round trips of BatchSize ids.
func (n *Namespace) sweep(ctx context.Context, op string, onlyMissing bool) (int64, error) {
	cmds, err := n.perBucket(ctx, op, func(pipe redis.Pipeliner, index string) redis.Cmder {
		return pipe.ZRange(ctx, index, 0, -1)
	})
	if err != nil {
		return 0, err
	}
	flag := "0"
	if onlyMissing {
		flag = "1"
	}
	var removed int64
	pipe, pending := n.c.rdb.Pipeline(), 0
	flush := func() error {
		if pending == 0 {
			return nil
		}
		results, err := execPipeline(ctx, op, pipe)
		for _, r := range results {
			v, _ := r.(*redis.Cmd).Int64()
			removed += v
		}
		pipe, pending = n.c.rdb.Pipeline(), 0
		return err
	}
	for b, cmd := range cmds {
		ids := cmd.(*redis.StringSliceCmd).Val()
		for _, r := range chunks(len(ids), n.c.opts.BatchSize) {
			if pending+r[1]-r[0] > n.c.opts.BatchSize {
				if err := flush(); err != nil {
					return removed, err
				}
			}
			keys := []string{n.keys.indexKey(b)}
			args := []any{flag}
			for _, id := range ids[r[0]:r[1]] {
				keys = append(keys, n.keys.valueKeyIn(b, id))
				args = append(args, id)
			}
			removeScript.Eval(ctx, pipe, keys, args...)
			pending += r[1] - r[0]
		}
	}
	return removed, flush()
}
