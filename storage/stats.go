package storage

import (
	"context"
	"sync/atomic"
)

// Stats is a cheap snapshot for monitoring (docs/monitoring.md): the exact
// count (one small script per bucket), the configuration that shapes the
// keys, pool and operation counters, and the last health check. It never
// holds the password or the URL.
type Stats struct {
	Namespace     string    `msgpack:"namespace"`
	Topology      Topology  `msgpack:"topology"`
	Keys          int64     `msgpack:"keys"`
	TTLSeconds    float64   `msgpack:"ttl_seconds"` // 0 = no expiry
	Buckets       int       `msgpack:"buckets"`
	LayoutVersion int       `msgpack:"layout_version"`
	KeyPrefix     string    `msgpack:"key_prefix"`
	Workspace     string    `msgpack:"workspace"` // "" = shared or none
	Pool          PoolStats `msgpack:"pool"`
	Ops           OpStats   `msgpack:"ops"`
	Health        Health    `msgpack:"health"`
}

// PoolStats mirrors go-redis' pool counters (summed over nodes on a cluster).
type PoolStats struct {
	Hits       uint32 `msgpack:"hits"`
	Misses     uint32 `msgpack:"misses"`
	Timeouts   uint32 `msgpack:"timeouts"`
	TotalConns uint32 `msgpack:"total_conns"`
	IdleConns  uint32 `msgpack:"idle_conns"`
	StaleConns uint32 `msgpack:"stale_conns"`
}

// OpStats counts operations on one namespace since the client was created
// (shared by every handle on that namespace name).
type OpStats struct {
	Upserts      uint64 `msgpack:"upserts"`
	ItemsWritten uint64 `msgpack:"items_written"`
	Gets         uint64 `msgpack:"gets"` // ids read by Get and GetMany
	Hits         uint64 `msgpack:"hits"`
	Misses       uint64 `msgpack:"misses"`
	Deletes      uint64 `msgpack:"deletes"`
}

type opCounters struct {
	upserts, itemsWritten, gets, hits, misses, deletes atomic.Uint64
}

func (o *opCounters) snapshot() OpStats {
	return OpStats{
		Upserts: o.upserts.Load(), ItemsWritten: o.itemsWritten.Load(),
		Gets: o.gets.Load(), Hits: o.hits.Load(), Misses: o.misses.Load(),
		Deletes: o.deletes.Load(),
	}
}

func (o *opCounters) countReads(hits, total int) {
	o.gets.Add(uint64(total))
	o.hits.Add(uint64(hits))
	o.misses.Add(uint64(total - hits))
}

// Stats returns the namespace's snapshot; its only Redis work is Count.
func (n *Namespace) Stats(ctx context.Context) (Stats, error) {
	keys, err := n.Count(ctx)
	if err != nil {
		return Stats{}, err
	}
	p := n.c.rdb.PoolStats()
	return Stats{
		Namespace:     n.name,
		Topology:      n.c.topology,
		Keys:          keys,
		TTLSeconds:    n.ttl.Seconds(),
		Buckets:       numBuckets,
		LayoutVersion: layoutVersion,
		KeyPrefix:     n.c.opts.KeyPrefix,
		Workspace:     n.c.opts.workspaceFor(n.name),
		Pool: PoolStats{
			Hits: p.Hits, Misses: p.Misses, Timeouts: p.Timeouts,
			TotalConns: p.TotalConns, IdleConns: p.IdleConns, StaleConns: p.StaleConns,
		},
		Ops:    n.ops.snapshot(),
		Health: n.c.health.snapshot(),
	}, nil
}
