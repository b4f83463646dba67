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
	if err := n.checkIndexes(ctx, &groups); err != nil {
		return 0, err
	}
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

// checkIndexes fails the upsert before anything is written when an index
// key it would touch is not a sorted set (nor absent): MULTI/EXEC does not
// roll back, so inside the transactions the values would be written before
// the index script failed. One pipelined TYPE per bucket, a round trip.
func (n *Namespace) checkIndexes(ctx context.Context, groups *[numBuckets][]int) error {
	pipe := n.c.rdb.Pipeline()
	types := map[string]*redis.StatusCmd{}
	for b, positions := range groups {
		if len(positions) > 0 {
			key := n.keys.indexKey(b)
			types[key] = pipe.Type(ctx, key)
		}
	}
	if _, err := n.c.execPipeline(ctx, "upsert", pipe); err != nil {
		return err
	}
	for key, cmd := range types {
		if t := cmd.Val(); t != "zset" && t != "none" {
			return wrapRedis("upsert", replyError(fmt.Sprintf("WRONGTYPE index key %q holds a %s, not a sorted set; nothing was changed in its bucket. Delete that key, then run repair()", key, t)))
		}
	}
	return nil
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

// writeTrip accumulates bucket writes for one round trip.
type writeTrip struct {
	n            *Namespace
	calls        []bucketWrite
	items, bytes int
}

// bucketWrite is one bucket group: sent as MULTI, a plain SET per value,
// indexScript (index and, with a TTL, expiries), EXEC. keys[0] is the
// bucket's index key; every key shares the bucket's slot.
type bucketWrite struct {
	keys   []string // index, then the value keys
	ids    []string
	values [][]byte
	ttl    int64
}

func (n *Namespace) newWriteTrip() *writeTrip {
	return &writeTrip{n: n}
}

func (t *writeTrip) addGroup(bucket int, positions []int, items []Item, stored [][]byte, ttl int64) {
	w := bucketWrite{
		keys:   make([]string, 0, 1+len(positions)),
		ids:    make([]string, 0, len(positions)),
		values: make([][]byte, 0, len(positions)),
		ttl:    ttl,
	}
	w.keys = append(w.keys, t.n.keys.indexKey(bucket))
	for _, p := range positions {
		w.keys = append(w.keys, t.n.keys.valueKeyIn(bucket, items[p].ID))
		w.ids = append(w.ids, items[p].ID)
		w.values = append(w.values, stored[p])
		t.bytes += len(stored[p])
	}
	t.items += len(positions)
	t.calls = append(t.calls, w)
}

// flush sends the round trip. On a single node or sentinel it is one
// pipeline, with WAIT (if WaitReplicas) on the connection that wrote. A
// cluster client cannot route MULTI, so there the round trip is split per
// master (wait_cluster.go), WAIT or not.
func (t *writeTrip) flush(ctx context.Context) error {
	if t.items == 0 {
		return nil
	}
	calls := t.calls
	t.calls, t.items, t.bytes = nil, 0, 0
	c := t.n.c
	if cluster, ok := c.rdb.(*redis.ClusterClient); ok {
		return c.upsertPerMaster(ctx, cluster, calls)
	}
	pipe := c.rdb.Pipeline()
	txs, wait := c.queueUpserts(ctx, pipe, calls)
	_, err := pipe.Exec(ctx)
	for _, tx := range txs {
		if e := tx.err(); e != nil {
			return wrapRedis("upsert", e)
		}
	}
	if err != nil && (wait == nil || wait.Err() == nil) {
		return wrapRedis("upsert", err)
	}
	return c.checkReplicated(wait) // the transactions ran: only WAIT's answer is left
}

// queuedWrite is one bucketWrite queued in a pipeline.
type queuedWrite struct {
	queued []redis.Cmder // MULTI, the SETs and the script: each answers QUEUED or a refusal
	exec   *redis.Cmd
}

// err is the write's failure: a refusal at queue time (MOVED, ASK, TRYAGAIN,
// OOM: then EXEC aborts and nothing ran), else an error inside EXEC's reply.
func (q queuedWrite) err() error {
	if e := q.exec.Err(); e != nil {
		for _, cmd := range q.queued {
			if ce := cmd.Err(); ce != nil {
				return ce
			}
		}
		return e
	}
	replies, _ := q.exec.Val().([]any)
	for _, r := range replies {
		if e, ok := r.(error); ok {
			return e
		}
	}
	return nil
}

// queueUpserts adds one MULTI/EXEC per bucket write to pipe, then WAIT when
// WaitReplicas > 0. It returns the transactions and WAIT's command (nil
// without WaitReplicas).
func (c *Client) queueUpserts(ctx context.Context, pipe redis.Pipeliner, calls []bucketWrite) (txs []queuedWrite, wait *redis.Cmd) {
	txs = make([]queuedWrite, len(calls))
	for i, w := range calls {
		q := queuedWrite{queued: make([]redis.Cmder, 0, len(w.values)+2)}
		q.queued = append(q.queued, pipe.Do(ctx, "MULTI"))
		q.queued = w.queue(ctx, pipe, q.queued)
		q.exec = pipe.Do(ctx, "EXEC")
		txs[i] = q
	}
	if want := c.opts.WaitReplicas; want > 0 {
		wait = pipe.Do(ctx, "WAIT", want, c.opts.WaitTimeout.Milliseconds())
	}
	return txs, wait
}

// queue adds the transaction's body to pipe: a plain SET per value, then
// indexScript. It appends the commands to cmds and returns them.
func (w bucketWrite) queue(ctx context.Context, pipe redis.Pipeliner, cmds []redis.Cmder) []redis.Cmder {
	for j, v := range w.values {
		cmds = append(cmds, pipe.Set(ctx, w.keys[1+j], v, 0))
	}
	keys := w.keys[:1]
	if w.ttl > 0 {
		keys = w.keys
	}
	args := make([]any, 0, 1+len(w.ids))
	args = append(args, w.ttl)
	for _, id := range w.ids {
		args = append(args, id)
	}
	return append(cmds, indexScript.Eval(ctx, pipe, keys, args...))
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
