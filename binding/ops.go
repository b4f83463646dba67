package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/nanographrag/nano-graphrag-redis/internal/msgpackwalk"
	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// opFunc runs one operation: it decodes the msgpack request, calls storage
// and encodes the msgpack response, exactly as the table in
// include/ngr_redis.h says. ngr_call and ngr_submit share these.
type opFunc func(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error)

type opSpec struct {
	name string
	run  opFunc
}

// ops is the one dispatch table from op code to implementation.
var ops = map[int32]opSpec{
	opGet:           {"get", runGet},
	opGetMany:       {"get_many", runGetMany},
	opFilterMissing: {"filter_missing", runFilterMissing},
	opUpsert:        {"upsert", runUpsert},
	opDelete:        {"delete", runDelete},
	opAllKeys:       {"all_keys", runAllKeys},
	opCount: {"count", func(ctx context.Context, ns *storage.Namespace, _ []byte) ([]byte, error) {
		return marshalResult(ns.Count(ctx))
	}},
	opDrop: {"drop", func(ctx context.Context, ns *storage.Namespace, _ []byte) ([]byte, error) {
		return marshalResult(ns.Drop(ctx))
	}},
	opRepair: {"repair", func(ctx context.Context, ns *storage.Namespace, _ []byte) ([]byte, error) {
		return marshalResult(ns.Repair(ctx))
	}},
	opPing: {"ping", func(ctx context.Context, ns *storage.Namespace, _ []byte) ([]byte, error) {
		return marshalResult(true, ns.Ping(ctx))
	}},
	opStats: {"stats", func(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error) {
		return runStats(ctx, ns, req, nil) // store.run passes the store's metrics
	}},
}

// runOp dispatches op; an unknown op is NGR_ERR_BAD_REQUEST. The header is a
// public ABI, so any bytes may arrive: a non-empty request must be exactly
// one well-formed msgpack object whose headers claim no more elements than
// its bytes can hold, checked without recursion before any decoder
// allocates by what a header claims.
func runOp(ctx context.Context, ns *storage.Namespace, op int32, req []byte) ([]byte, error) {
	spec, ok := ops[op]
	if !ok {
		return nil, fmt.Errorf("%w: unknown op %d", errBadRequest, op)
	}
	if len(req) > 0 {
		end, err := msgpackwalk.Skip(req, 0)
		if err == nil && end != len(req) {
			err = fmt.Errorf("%d bytes after the request object", len(req)-end)
		}
		if err != nil {
			return nil, msgpackDecodeError(spec.name, err)
		}
	}
	return spec.run(ctx, ns, req)
}

// msgpackNil is the encoding of nil: a missing value in a response.
var msgpackNil = []byte{0xc0}

func runGet(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error) {
	var id string
	if err := msgpack.Unmarshal(req, &id); err != nil {
		return nil, msgpackDecodeError("get", err)
	}
	v, err := ns.Get(ctx, id)
	if err != nil || v == nil {
		return msgpackNil, err
	}
	return v, nil
}

func runGetMany(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error) {
	var r struct {
		_msgpack struct{} `msgpack:",as_array"`
		IDs      []string
		Fields   []string
	}
	if err := msgpack.Unmarshal(req, &r); err != nil {
		return nil, msgpackDecodeError("get_many", err)
	}
	values, err := ns.GetMany(ctx, r.IDs, r.Fields)
	if err != nil {
		return nil, err
	}
	return encodeRawArray(values), nil
}

func runFilterMissing(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error) {
	var ids []string
	if err := msgpack.Unmarshal(req, &ids); err != nil {
		return nil, msgpackDecodeError("filter_missing", err)
	}
	return marshalList(ns.FilterMissing(ctx, ids))
}

func runUpsert(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error) {
	items, err := decodeUpsert(req)
	if err != nil {
		return nil, err
	}
	return marshalResult(ns.Upsert(ctx, items))
}

func runDelete(ctx context.Context, ns *storage.Namespace, req []byte) ([]byte, error) {
	var id string
	if err := msgpack.Unmarshal(req, &id); err != nil {
		return nil, msgpackDecodeError("delete", err)
	}
	return marshalResult(ns.Delete(ctx, id))
}

func runAllKeys(ctx context.Context, ns *storage.Namespace, _ []byte) ([]byte, error) {
	return marshalList(ns.AllKeys(ctx))
}

// decodeUpsert reads {str id: value, ...}. Each value is sliced out of req
// as its exact msgpack bytes (zero copy), stored verbatim. The map header is
// trusted only as far as req's length can back it (msgpackwalk.MapLen), and
// values are skipped without recursion.
func decodeUpsert(req []byte) ([]storage.Item, error) {
	n, pos, isMap, err := msgpackwalk.MapLen(req, 0)
	if err != nil {
		return nil, msgpackDecodeError("upsert", err)
	}
	if !isMap {
		return nil, fmt.Errorf("%w: upsert: request must be a map", errBadRequest)
	}
	items := make([]storage.Item, 0, n)
	for i := 0; i < n; i++ {
		keyEnd, err := msgpackwalk.Skip(req, pos)
		if err != nil {
			return nil, msgpackDecodeError(fmt.Sprintf("upsert key #%d", i), err)
		}
		var id string
		if err := msgpack.Unmarshal(req[pos:keyEnd], &id); err != nil {
			return nil, msgpackDecodeError(fmt.Sprintf("upsert key #%d", i), err)
		}
		if pos, err = msgpackwalk.Skip(req, keyEnd); err != nil {
			return nil, msgpackDecodeError(fmt.Sprintf("upsert value of key %q", id), err)
		}
		items = append(items, storage.Item{ID: id, Value: req[keyEnd:pos]})
	}
	return items, nil
}

// encodeRawArray writes a msgpack array whose elements are already-encoded
// values (nil -> msgpack nil), without decoding them.
func encodeRawArray(values [][]byte) []byte {
	size := 5
	for _, v := range values {
		size += max(len(v), 1)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_ = msgpack.NewEncoder(buf).EncodeArrayLen(len(values)) // writes to a bytes.Buffer cannot fail
	for _, v := range values {
		if v == nil {
			v = msgpackNil
		}
		buf.Write(v)
	}
	return buf.Bytes()
}

// marshalResult encodes a storage result (integers in their smallest form),
// or passes its error on.
func marshalResult[T any](v T, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshalList encodes a list of ids; an empty result is [] rather than nil.
func marshalList(ids []string, err error) ([]byte, error) {
	if ids == nil {
		ids = []string{}
	}
	return marshalResult(ids, err)
}

// statsResponse is NGR_OP_STATS' answer: storage's Stats, the operation
// metrics of the store's namespace, and a memory estimate when asked for.
type statsResponse struct {
	storage.Stats `msgpack:",inline"`
	Operations    map[string]OpSnapshot   `msgpack:"operations"`
	Memory        *storage.MemoryEstimate `msgpack:"memory,omitempty"`
}

// maxMemorySamples bounds the values one stats request may measure.
const maxMemorySamples = 10000

// runStats reads the request (nil, or an int: how many values to sample
// for a memory estimate) and answers with m's metrics (none when m is nil).
func runStats(ctx context.Context, ns *storage.Namespace, req []byte, m *nsMetrics) ([]byte, error) {
	var samples int
	if len(req) > 0 {
		if err := msgpack.Unmarshal(req, &samples); err != nil {
			return nil, msgpackDecodeError("stats", err)
		}
	}
	samples = min(samples, maxMemorySamples) // a request cannot ask for unbounded work
	st, err := ns.Stats(ctx)
	if err != nil {
		return nil, err
	}
	resp := statsResponse{Stats: st, Operations: map[string]OpSnapshot{}}
	if m != nil {
		resp.Operations = m.snapshot()
	}
	if samples > 0 {
		est, err := ns.EstimateMemory(ctx, samples)
		if err != nil {
			return nil, err
		}
		resp.Memory = &est
	}
	return marshalResult(resp, nil)
}
