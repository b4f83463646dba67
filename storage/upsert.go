package storage

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Upsert stores every item (full-value overwrite) and returns how many it
// wrote. The whole batch is validated first: one bad value rejects the batch
// and nothing is written. Items are grouped by bucket; each group is one
// atomic script (value keys and index together), and groups are sent in
// pipeline round trips of at most BatchSize items and 8 MiB. A failure
// between round trips leaves earlier groups written, each one consistent.
// Empty ids are allowed (nano-graphrag never makes them, Python accepts them);
// with duplicate ids the last one wins.
func (n *Namespace) Upsert(ctx context.Context, items []Item) (int, error) {
	if err := n.c.checkOpen(); err != nil {
		return 0, err
	}
	stored, err := n.encodeBatch(items)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	groups := groupByBucket(len(items), func(i int) string { return items[i].ID })
	ttl := n.ttlMillis()
	trip := n.newWriteTrip()
	for b, positions := range groups {
		for len(positions) > 0 {
			take, size := fitting(positions, stored, n.c.opts.BatchSize)
			if trip.items+take > n.c.opts.BatchSize || trip.bytes+size > maxBatchBytes {
				if err := trip.flush(ctx); err != nil {
					return 0, err
				}
			}
			trip.addGroup(b, positions[:take], items, stored, ttl)
			positions = positions[take:]
		}
	}
	if err := trip.flush(ctx); err != nil {
		return 0, err
	}
	n.ops.upserts.Add(1)
	n.ops.itemsWritten.Add(uint64(len(items)))
	return len(items), nil
}

// encodeBatch validates the whole batch and returns the bytes to store.
func (n *Namespace) encodeBatch(items []Item) ([][]byte, error) {
	maxSize := n.c.opts.MaxValueSize
	for _, it := range items {
		switch {
		case len(it.Value) > maxSize:
			return nil, &ValueTooLargeError{Key: it.ID, Size: len(it.Value), Max: maxSize}
		case len(it.Value) == 0:
			return nil, corruptValue(it.ID, "empty value is not msgpack; batch rejected, nothing written")
		case it.Value[0] == compressedMarker:
			return nil, corruptValue(it.ID, "first byte 0xc1 is never valid msgpack; batch rejected, nothing written")
		}
	}
	stored := make([][]byte, len(items))
	for i, it := range items {
		stored[i] = encodeValue(it.Value, n.c.opts.CompressThreshold)
	}
	return stored, nil
}

// fitting returns how many leading positions fit in one script (at most
// maxItems and maxBatchBytes, but always at least one) and their bytes.
func fitting(positions []int, stored [][]byte, maxItems int) (take, size int) {
	for _, p := range positions {
		if take == maxItems || (take > 0 && size+len(stored[p]) > maxBatchBytes) {
			break
		}
		take++
		size += len(stored[p])
	}
	return take, size
}

// writeTrip accumulates bucket scripts for one round trip.
type writeTrip struct {
	n            *Namespace
	calls        []scriptCall
	items, bytes int
}

// scriptCall is one upsertScript run: one bucket's index and value keys.
type scriptCall struct {
	keys []string
	args []any
}

func (n *Namespace) newWriteTrip() *writeTrip {
	return &writeTrip{n: n}
}

func (t *writeTrip) addGroup(bucket int, positions []int, items []Item, stored [][]byte, ttl int64) {
	keys := make([]string, 0, 1+len(positions))
	args := make([]any, 0, 1+2*len(positions))
	keys = append(keys, t.n.keys.indexKey(bucket))
	args = append(args, ttl)
	for _, p := range positions {
		keys = append(keys, t.n.keys.valueKeyIn(bucket, items[p].ID))
		args = append(args, items[p].ID, stored[p])
		t.bytes += len(stored[p])
	}
	t.items += len(positions)
	t.calls = append(t.calls, scriptCall{keys, args})
}

// flush sends the round trip: one pipeline on the client, which a cluster
// client splits per node. With WaitReplicas, WAIT must run on the connection
// that wrote: it rides in the same pipeline on a single node or sentinel,
// and on a cluster the round trip is split per master (wait_cluster.go).
func (t *writeTrip) flush(ctx context.Context) error {
	if t.items == 0 {
		return nil
	}
	calls := t.calls
	t.calls, t.items, t.bytes = nil, 0, 0
	c := t.n.c
	if cluster, ok := c.rdb.(*redis.ClusterClient); ok && c.opts.WaitReplicas > 0 {
		return c.upsertWaitingPerMaster(ctx, cluster, calls)
	}
	pipe := c.rdb.Pipeline()
	evals, wait := c.queueUpserts(ctx, pipe, calls)
	_, err := execPipeline(ctx, "upsert", pipe)
	if err != nil && (wait == nil || wait.Err() == nil || !allSucceeded(evals)) {
		return err
	}
	return c.checkReplicated(wait) // the scripts ran: only WAIT's answer is left
}

func allSucceeded(cmds []*redis.Cmd) bool {
	for _, cmd := range cmds {
		if cmd.Err() != nil {
			return false
		}
	}
	return true
}

// queueUpserts adds the scripts to pipe, then WAIT when WaitReplicas > 0.
// It returns the scripts' commands and WAIT's (nil without WaitReplicas).
func (c *Client) queueUpserts(ctx context.Context, pipe redis.Pipeliner, calls []scriptCall) (evals []*redis.Cmd, wait *redis.Cmd) {
	evals = make([]*redis.Cmd, len(calls))
	for i, call := range calls {
		evals[i] = upsertScript.Eval(ctx, pipe, call.keys, call.args...)
	}
	if want := c.opts.WaitReplicas; want > 0 {
		wait = pipe.Do(ctx, "WAIT", want, c.opts.WaitTimeout.Milliseconds())
	}
	return evals, wait
}

// checkReplicated turns too few WAIT acknowledgements into ErrNotReplicated,
// and so a failed WAIT after successful scripts: e.g. "UNBLOCKED" when the
// master was demoted while WAIT blocked. The data is written either way.
func (c *Client) checkReplicated(wait *redis.Cmd) error {
	if wait == nil {
		return nil
	}
	if err := wait.Err(); err != nil {
		return fmt.Errorf("%w: WAIT failed: %w", ErrNotReplicated, err)
	}
	if acked, _ := wait.Int64(); acked < int64(c.opts.WaitReplicas) {
		return fmt.Errorf("%w: %d of %d replicas within %s", ErrNotReplicated, acked, c.opts.WaitReplicas, c.opts.WaitTimeout)
	}
	return nil
}
