package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// Per-namespace operation metrics, recorded in the op table (store.run)
// around each operation: calls, errors by kind (the status name, so errors
// are classified in one place, statusOf), and a latency histogram whose
// bucket bounds match Prometheus' conventions. Recording costs two clock
// reads and a few atomic adds per operation, next to a ~25 µs round trip.

// latencyBounds are the histogram's upper bounds (inclusive), in seconds.
var latencyBounds = []float64{
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
	0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}

// latencyBoundsNanos mirrors latencyBounds for the hot path.
var latencyBoundsNanos = func() []int64 {
	out := make([]int64, len(latencyBounds))
	for i, b := range latencyBounds {
		out[i] = int64(b * 1e9)
	}
	return out
}()

// statusNames name error kinds in metrics (enum ngr_status without NGR_ERR_).
var statusNames = map[int32]string{
	statusInternal: "internal", statusConfig: "config", statusConnection: "connection",
	statusTimeout: "timeout", statusAuth: "auth", statusRedirect: "redirect",
	statusSerialization: "serialization", statusTooLarge: "too_large", statusClosed: "closed",
	statusBadHandle: "bad_handle", statusPanic: "panic", statusCancelled: "cancelled",
	statusPending: "pending", statusBadRequest: "bad_request", statusNotReplicated: "not_replicated",
	statusCorruptValue: "corrupt_value", statusResponse: "response", statusTLS: "tls", statusOOM: "oom",
}

// opMetrics is one operation's counters on one namespace.
type opMetrics struct {
	name     string // the op's name in the table
	calls    atomic.Uint64
	sumNanos atomic.Int64
	buckets  []atomic.Uint64 // len(latencyBounds)+1; the last is +Inf
	errors   sync.Map        // status name -> *atomic.Uint64
}

func newOpMetrics(name string) *opMetrics {
	return &opMetrics{name: name, buckets: make([]atomic.Uint64, len(latencyBounds)+1)}
}

func (m *opMetrics) observe(d time.Duration, err error) {
	m.calls.Add(1)
	m.sumNanos.Add(int64(d))
	i := 0
	for i < len(latencyBoundsNanos) && int64(d) > latencyBoundsNanos[i] {
		i++
	}
	m.buckets[i].Add(1)
	if err != nil {
		kind := statusNames[statusOf(err)]
		c, _ := m.errors.LoadOrStore(kind, new(atomic.Uint64))
		c.(*atomic.Uint64).Add(1)
	}
}

// OpSnapshot is what get_stats reports per operation. LatencyCounts are
// cumulative (count of calls at or below each bound), as Prometheus wants.
type OpSnapshot struct {
	Calls         uint64            `msgpack:"calls"`
	Errors        map[string]uint64 `msgpack:"errors"`
	LatencyBounds []float64         `msgpack:"latency_bounds"`
	LatencyCounts []uint64          `msgpack:"latency_counts"`
	LatencySum    float64           `msgpack:"latency_sum"` // seconds
}

func (m *opMetrics) snapshot() OpSnapshot {
	s := OpSnapshot{
		Calls:         m.calls.Load(),
		Errors:        map[string]uint64{},
		LatencyBounds: latencyBounds,
		LatencyCounts: make([]uint64, len(latencyBounds)),
		LatencySum:    float64(m.sumNanos.Load()) / 1e9,
	}
	var cumulative uint64
	for i := range latencyBounds {
		cumulative += m.buckets[i].Load()
		s.LatencyCounts[i] = cumulative
	}
	m.errors.Range(func(k, v any) bool {
		s.Errors[k.(string)] = v.(*atomic.Uint64).Load()
		return true
	})
	return s
}

// nsMetrics holds every operation's metrics for one namespace.
type nsMetrics struct {
	byOp map[int32]*opMetrics // fixed at creation: one per op in the table
}

func newNSMetrics() *nsMetrics {
	m := &nsMetrics{byOp: make(map[int32]*opMetrics, len(ops))}
	for op, spec := range ops {
		m.byOp[op] = newOpMetrics(spec.name)
	}
	return m
}

func (m *nsMetrics) observe(op int32, d time.Duration, err error) {
	if om, ok := m.byOp[op]; ok { // an unknown op is a bad request, not a metric
		om.observe(d, err)
	}
}

// snapshot returns the operations called at least once, by op name.
func (m *nsMetrics) snapshot() map[string]OpSnapshot {
	out := map[string]OpSnapshot{}
	for _, om := range m.byOp {
		if om.calls.Load() > 0 {
			out[om.name] = om.snapshot()
		}
	}
	return out
}

// metricsRegistry gives every store on one shared client and namespace
// the same nsMetrics, so two handles on "full_docs" report together.
type metricsRegistry struct {
	mu   sync.Mutex
	byNS map[string]*nsMetrics
}

func (r *metricsRegistry) forNamespace(name string) *nsMetrics {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byNS == nil {
		r.byNS = map[string]*nsMetrics{}
	}
	m, ok := r.byNS[name]
	if !ok {
		m = newNSMetrics()
		r.byNS[name] = m
	}
	return m
}
