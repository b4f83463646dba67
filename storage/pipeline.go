package storage

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// A pipeline is NOT a transaction: on a cluster go-redis splits it per node
// and runs the nodes in parallel, following MOVED/ASK; and after a
// connection error it may resend commands that already ran. Everything we
// send through one is therefore idempotent (full-value SET, ZADD of a
// member, UNLINK/ZREM, reads); atomicity comes from the per-bucket scripts.

// execPipeline runs pipe and returns the first real error: a missing key
// (redis.Nil) is an answer, not an error.
func execPipeline(ctx context.Context, op string, pipe redis.Pipeliner) ([]redis.Cmder, error) {
	cmds, err := pipe.Exec(ctx)
	if err == nil {
		return cmds, nil
	}
	for _, cmd := range cmds {
		if e := cmd.Err(); e != nil && !errors.Is(e, redis.Nil) {
			return nil, wrapRedis(op, e)
		}
	}
	if errors.Is(err, redis.Nil) {
		return cmds, nil
	}
	return nil, wrapRedis(op, err)
}

// chunks cuts [0, n) into consecutive ranges of at most size elements: the
// unit of one pipeline round trip, which bounds memory per round trip.
func chunks(n, size int) [][2]int {
	var out [][2]int
	for lo := 0; lo < n; lo += size {
		out = append(out, [2]int{lo, min(lo+size, n)})
	}
	return out
}
