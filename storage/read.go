package storage

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/nanographrag/nano-graphrag-redis/internal/msgpackwalk"
)

// Reads go to the value keys only: a value key is the truth (it expires by
// itself), the index is only for listing and counting.

// Get returns the value stored under id, or nil, nil when there is none.
func (n *Namespace) Get(ctx context.Context, id string) ([]byte, error) {
	if err := n.c.checkOpen(); err != nil {
		return nil, err
	}
	stored, err := n.c.rdb.Get(ctx, n.keys.valueKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		n.ops.countReads(0, 1)
		return nil, nil
	}
	if err != nil {
		return nil, wrapRedis("get", err)
	}
	n.ops.countReads(1, 1)
	value, err := n.readValue(id, stored, nil)
	if err != nil {
		return nil, &CorruptValuesError{Namespace: n.name, IDs: []string{id}, Reasons: []string{err.Error()}}
	}
	return value, nil
}

// maxValueDepth bounds how deeply a stored value may nest: far above what
// Python's msgpack writes (511), below what it reads inside a response
// (1024), and it keeps every walk's memory small.
const maxValueDepth = 1000

// readValue turns stored bytes into the value to return: decompressed,
// checked to be exactly one msgpack object (so no damaged value reaches a
// decoder, nor breaks the framing of a batch response), and projected.
func (n *Namespace) readValue(id string, stored []byte, proj *projector) ([]byte, error) {
	value, err := n.decodeValue(stored)
	if err != nil {
		return nil, err
	}
	if err := msgpackwalk.Valid(value, maxValueDepth); err != nil {
		if len(value) == 0 {
			return nil, errors.New("empty value")
		}
		return nil, err
	}
	if proj != nil {
		return proj.project(id, value)
	}
	return value, nil
}

// GetMany returns one entry per id, in the order of ids, nil for a missing
// id. With fields != nil, each map value is cut to those top-level keys.
// Ids are read in pipelined round trips of at most valueReadTrip GETs.
func (n *Namespace) GetMany(ctx context.Context, ids []string, fields []string) ([][]byte, error) {
	if err := n.c.checkOpen(); err != nil {
		return nil, err
	}
	proj := newProjector(fields)
	out := make([][]byte, len(ids))
	hits := 0
	bad := &CorruptValuesError{Namespace: n.name}
	err := perID(ctx, n, "get_many", ids, min(n.c.opts.BatchSize, valueReadTrip),
		func(pipe redis.Pipeliner, key string) *redis.StringCmd { return pipe.Get(ctx, key) },
		func(i int, cmd *redis.StringCmd) error {
			stored, err := cmd.Bytes()
			if err != nil { // redis.Nil: perID lets only misses through
				return nil
			}
			hits++
			value, err := n.readValue(ids[i], stored, proj)
			if err != nil {
				bad.IDs, bad.Reasons = append(bad.IDs, ids[i]), append(bad.Reasons, err.Error())
			}
			out[i] = value
			return nil
		})
	if err != nil {
		return nil, err
	}
	if len(bad.IDs) > 0 {
		return nil, bad
	}
	n.ops.countReads(hits, len(ids))
	return out, nil
}

// FilterMissing returns the ids that are NOT stored, in input order
// (duplicates kept), using pipelined EXISTS.
func (n *Namespace) FilterMissing(ctx context.Context, ids []string) ([]string, error) {
	if err := n.c.checkOpen(); err != nil {
		return nil, err
	}
	missing := []string{}
	err := perID(ctx, n, "filter_missing", ids, n.c.opts.BatchSize,
		func(pipe redis.Pipeliner, key string) *redis.IntCmd { return pipe.Exists(ctx, key) },
		func(i int, cmd *redis.IntCmd) error {
			if cmd.Val() == 0 {
				missing = append(missing, ids[i])
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return missing, nil
}

// valueReadTrip caps the GETs of one read round trip. Redis spends about
// twice the CPU per GET of a 4.5 KB value when 1000 replies pile up in a
// connection's output buffer as when 128 do (INFO commandstats: 3.7 µs
// against 1.5-1.9 µs); with several trips in flight, small trips keep the
// pipeline full anyway (docs/benchmarks.md).
const valueReadTrip = 128

// perID sends one command per id's value key, in pipelined round trips of
// tripSize commands (several in flight, see inParallel), then hands each
// answer (with the id's position) to use, in input order.
func perID[C redis.Cmder](ctx context.Context, n *Namespace, op string, ids []string, tripSize int,
	send func(pipe redis.Pipeliner, key string) C, use func(i int, cmd C) error) error {
	trips := chunks(len(ids), tripSize)
	cmds := make([]C, len(ids))
	err := inParallel(len(trips), func(t int) error {
		lo, hi := trips[t][0], trips[t][1]
		pipe := n.c.rdb.Pipeline()
		for i, id := range ids[lo:hi] {
			cmds[lo+i] = send(pipe, n.keys.valueKey(id))
		}
		_, err := n.c.execPipeline(ctx, op, pipe)
		return err
	})
	if err != nil {
		return err
	}
	for i, cmd := range cmds {
		if err := use(i, cmd); err != nil {
			return err
		}
	}
	return nil
}
