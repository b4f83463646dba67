package storage

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// A pipeline is NOT a transaction: on a cluster go-redis splits it per node
// and runs the nodes in parallel, following MOVED/ASK; and after a
// connection error it may resend commands that already ran. Everything we
// send through one is therefore idempotent (full-value SET, ZADD of a
// member, UNLINK/ZREM, reads); atomicity comes from the per-bucket scripts.

// execPipeline runs pipe and returns the first real error: a missing key
// (redis.Nil) is an answer, not an error. Commands refused because the slot
// map changed (TRYAGAIN, ASK, MOVED, CLUSTERDOWN: slotMapChanged) are sent
// again in a fresh pipeline after a slot-map reload, at most MaxRetries times
// with the retry backoff: go-redis follows these inside a cluster pipeline
// only for the first command sent to a node, so a live reshard surfaced
// TRYAGAIN for the others. Every command we pipeline is idempotent.
func (c *Client) execPipeline(ctx context.Context, op string, pipe redis.Pipeliner) ([]redis.Cmder, error) {
	cmds, err := pipe.Exec(ctx)
	if err == nil {
		return cmds, nil
	}
	for attempt := 0; attempt < c.opts.MaxRetries; attempt++ {
		var refused []redis.Cmder
		for _, cmd := range cmds {
			if e := cmd.Err(); e != nil && slotMapChanged(e) {
				refused = append(refused, cmd)
			}
		}
		if len(refused) == 0 {
			break
		}
		if cluster, ok := c.rdb.(*redis.ClusterClient); ok {
			cluster.ReloadState(ctx) // asynchronous: the backoff gives it time
		}
		if e := sleepCtx(ctx, c.retryBackoff(attempt)); e != nil {
			return nil, wrapRedis(op, e)
		}
		again := c.rdb.Pipeline()
		for _, cmd := range refused {
			cmd.SetErr(nil)
			_ = again.Process(ctx, cmd)
		}
		_, _ = again.Exec(ctx) // the answers land in the same commands
	}
	for _, cmd := range cmds {
		if e := cmd.Err(); e != nil && !errors.Is(e, redis.Nil) {
			return nil, wrapRedis(op, e)
		}
	}
	if len(cmds) > 0 || errors.Is(err, redis.Nil) {
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

// tripsInFlight is how many pipeline round trips of one call run at once,
// each on its own pooled connection: while the client parses one reply the
// server already works on the next, instead of idling between round trips.
const tripsInFlight = 4

// inParallel runs trip(0..n-1), at most tripsInFlight at a time, and returns
// the error of the lowest-numbered failed trip. Every trip runs (or is
// skipped once an earlier one failed, to spare the server useless work).
func inParallel(n int, trip func(i int) error) error {
	if n == 1 {
		return trip(0)
	}
	errs := make([]error, n)
	var failed atomic.Bool
	var wg sync.WaitGroup
	slots := make(chan struct{}, tripsInFlight)
	for i := 0; i < n; i++ {
		slots <- struct{}{}
		if failed.Load() {
			<-slots
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			if errs[i] = trip(i); errs[i] != nil {
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
