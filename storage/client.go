package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Client is one connection pool to one Redis deployment (single node,
// cluster or sentinel), shared by every Namespace built from it. It is safe
// for concurrent use.
type Client struct {
	opts     Options // resolved; holds the password, never printed
	rdb      backend
	topology Topology
	closed   atomic.Bool
	health   *healthMonitor
	zstd     *zstd.Decoder // stops at opts.MaxValueSize

	mu       sync.Mutex
	counters map[string]*opCounters // per namespace name, shared by its handles
}

// New validates opts (nil = defaults), connects, detects the topology when
// asked to, and checks the server answers PING. Errors name the option and
// value (*ConfigError) and never contain the password.
func New(ctx context.Context, opts *Options) (*Client, error) {
	cfg, err := prepare(opts)
	if err != nil {
		return nil, err
	}
	o, ep, tlsCfg := cfg.opts, cfg.ep, cfg.tls
	rdb, topology, err := connect(ctx, &o, ep, tlsCfg)
	if err != nil {
		return nil, err
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, firstCommandError(&o, ep, err)
	}
	if err := checkEviction(ctx, rdb, &o, strings.Join(ep.addrs, ",")); err != nil {
		rdb.Close()
		return nil, err
	}
	dec, err := newValueDecoder(o.MaxValueSize)
	if err != nil {
		rdb.Close()
		return nil, fmt.Errorf("storage: zstd decoder: %w", err)
	}
	c := &Client{opts: o, rdb: rdb, topology: topology, zstd: dec, counters: map[string]*opCounters{}}
	c.health = startHealthMonitor(rdb, o.HealthCheckInterval, o.ReadTimeout)
	return c, nil
}

// Topology returns the detected or configured topology (never auto).
func (c *Client) Topology() Topology { return c.topology }

// Close stops the health check and closes the pool. Later calls on the
// client or its namespaces return ErrClosed. Closing twice is a no-op.
func (c *Client) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	c.health.stop()
	c.zstd.Close()
	return c.rdb.Close()
}

func (c *Client) checkOpen() error {
	if c.closed.Load() {
		return ErrClosed
	}
	return nil
}

// Namespace returns a handle on one namespace. Handles are cheap; many
// handles (and many namespaces) share the client's pool.
func (c *Client) Namespace(name string) (*Namespace, error) {
	if err := validNamespace(name); err != nil {
		return nil, err
	}
	if err := c.checkOpen(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	ctr, ok := c.counters[name]
	if !ok {
		ctr = &opCounters{}
		c.counters[name] = ctr
	}
	c.mu.Unlock()
	return &Namespace{
		c:    c,
		name: name,
		keys: newKeyspace(c.opts.KeyPrefix, c.opts.workspaceFor(name), name),
		ttl:  c.opts.ttlFor(name),
		ops:  ctr,
	}, nil
}

// Namespace is one nano-graphrag KV store: ids mapped to msgpack values.
type Namespace struct {
	c    *Client
	name string
	keys *keyspace
	ttl  time.Duration
	ops  *opCounters
}

// Item is one id and its msgpack value, stored verbatim.
type Item struct {
	ID    string
	Value []byte
}

// ttlMillis is the TTL sent to the scripts: 0 = no expiry, at least 1 ms.
func (n *Namespace) ttlMillis() int64 {
	if n.ttl <= 0 {
		return 0
	}
	return max(n.ttl.Milliseconds(), 1)
}
