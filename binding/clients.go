package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// sharedClient is one storage.Client (one connection pool) shared by every
// store opened with the same options, so N namespaces cost one pool, not N.
//
// It connects lazily: ngr_store_open only validates the options, and the
// first operation dials, inside its own goroutine (ngr_submit) or blocking
// call (ngr_call). So opening never blocks an asyncio loop on the network,
// and connection errors come back through the normal per-operation path.
type sharedClient struct {
	key  string // canonical options JSON
	opts *storage.Options
	refs int // open stores using it; guarded by clients.mu; counted in unlisted while > 0
	// readTimeout and callTimeout (operation_timeout) of opts: every call
	// runs under a callTimeout deadline (store.run), named by its timeout.
	readTimeout, callTimeout time.Duration

	metrics metricsRegistry // per namespace, shared by the stores on this client

	connected atomic.Pointer[storage.Client] // set once: the lock-free fast path

	mu     sync.Mutex
	dial   *dialAttempt // the connect in flight, nil when none
	closed bool
}

// dialAttempt is one storage.New shared by every operation waiting for it.
// client and err are written before done is closed.
type dialAttempt struct {
	done   chan struct{}
	client *storage.Client
	err    error
}

// get returns the connected client, connecting on first use. All callers
// wait for the same attempt, each with its own ctx (a cancelled request
// stops waiting; the attempt goes on for the others). A failed attempt is
// not kept: the next call dials again, so a server that comes up later is
// found.
func (sc *sharedClient) get(ctx context.Context) (*storage.Client, error) {
	if c := sc.connected.Load(); c != nil {
		return c, nil
	}
	sc.mu.Lock()
	if c := sc.connected.Load(); c != nil {
		sc.mu.Unlock()
		return c, nil
	}
	if sc.closed {
		sc.mu.Unlock()
		return nil, storage.ErrClosed
	}
	a := sc.dial
	if a == nil {
		a = &dialAttempt{done: make(chan struct{})}
		sc.dial = a
		go sc.connect(a)
	}
	sc.mu.Unlock()
	select {
	case <-a.done:
		return a.client, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// connect runs one attempt with its own context, not any one caller's: it
// is bounded by one call's deadline, and each caller waits at most its own.
func (sc *sharedClient) connect(a *dialAttempt) {
	c, err := newClientRecovered(sc.opts, sc.callTimeout)
	sc.mu.Lock()
	sc.dial = nil
	if err == nil && sc.closed {
		_ = c.Close() // the last store closed while we dialled
		c, err = nil, storage.ErrClosed
	}
	if err == nil {
		sc.connected.Store(c)
	}
	sc.mu.Unlock()
	a.client, a.err = c, err
	close(a.done)
}

// newClientRecovered is storage.New in a goroutine of our own: a panic there
// would kill the process, so it becomes an error instead.
func newClientRecovered(opts *storage.Options, timeout time.Duration) (c *storage.Client, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, &panicError{value: r}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return storage.New(ctx, opts)
}

// close closes the pool if connected; an attempt still in flight closes
// its own client when it finishes.
func (sc *sharedClient) close() error {
	sc.mu.Lock()
	sc.closed = true
	c := sc.connected.Load()
	sc.mu.Unlock()
	if c == nil {
		return nil
	}
	return c.Close()
}

// newSharedClient is the not yet connected client for valid opts.
func newSharedClient(key string, opts *storage.Options) *sharedClient {
	sc := &sharedClient{key: key, opts: opts}
	sc.readTimeout, sc.callTimeout = storage.Deadlines(opts)
	return sc
}

// clientRegistry finds the shared client for a set of options, refcounted.
type clientRegistry struct {
	mu    sync.Mutex
	byKey map[string]*sharedClient
}

var clients = &clientRegistry{byKey: make(map[string]*sharedClient)}

// acquire returns the (not yet connected) client for the canonical options
// key, creating it on first use after validating the options.
func (r *clientRegistry) acquire(opts *storage.Options, key string) (*sharedClient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if sc, ok := r.byKey[key]; ok {
		sc.refs++
		return sc, nil
	}
	if err := storage.Validate(opts); err != nil {
		return nil, err
	}
	sc := newSharedClient(key, opts)
	sc.refs = 1
	unlisted.Add(1)
	r.byKey[key] = sc
	return sc, nil
}

// release drops one reference and closes the client with its last store.
func (r *clientRegistry) release(sc *sharedClient) error {
	r.mu.Lock()
	sc.refs--
	last := sc.refs == 0
	if last {
		delete(r.byKey, sc.key)
		unlisted.Add(-1)
	}
	r.mu.Unlock()
	if !last {
		return nil
	}
	return sc.close()
}
