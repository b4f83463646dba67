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
	if _, err := n.c.execPipeline(ctx, op, pipe); err != nil {
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

// Repair mends the index after damage done behind our back and returns how
// many index entries it changed. It removes entries whose value key is gone
// (deleted by hand or evicted; expired entries go too), then lists again
// every value the index misses (the index itself was deleted): that second
// step SCANs the database (reindex.go). Values are never touched.
func (n *Namespace) Repair(ctx context.Context) (int64, error) {
	removed, err := n.sweep(ctx, "repair", true)
	if err != nil {
		return removed, err
	}
	added, err := n.reindex(ctx)
	return removed + added, err
}

// sweep reads each bucket's whole index, then runs removeScript over it.
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
	return n.scriptPerID(ctx, op, removeScript, flag, func(b int) []string {
		return cmds[b].(*redis.StringSliceCmd).Val()
	})
}

// scriptPerID runs script over the ids of every bucket (KEYS = the bucket's
// index, then the ids' value keys; ARGV = lead if not empty, then the ids),
// in chunks of BatchSize ids packed into round trips of BatchSize ids, and
// returns the sum of the scripts' integer results.
func (n *Namespace) scriptPerID(ctx context.Context, op string, script *redis.Script, lead string,
	idsOf func(bucket int) []string) (int64, error) {
	var total int64
	pipe, pending := n.c.rdb.Pipeline(), 0
	flush := func() error {
		if pending == 0 {
			return nil
		}
		results, err := n.c.execPipeline(ctx, op, pipe)
		for _, r := range results {
			v, _ := r.(*redis.Cmd).Int64()
			total += v
		}
		pipe, pending = n.c.rdb.Pipeline(), 0
		return err
	}
	for b := range numBuckets {
		ids := idsOf(b)
		for _, r := range chunks(len(ids), n.c.opts.BatchSize) {
			if pending+r[1]-r[0] > n.c.opts.BatchSize {
				if err := flush(); err != nil {
					return total, err
				}
			}
			keys := []string{n.keys.indexKey(b)}
			var args []any
			if lead != "" {
				args = append(args, lead)
			}
			for _, id := range ids[r[0]:r[1]] {
				keys = append(keys, n.keys.valueKeyIn(b, id))
				args = append(args, id)
			}
			script.Eval(ctx, pipe, keys, args...)
			pending += r[1] - r[0]
		}
	}
	return total, flush()
}
