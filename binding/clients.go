package main

import (
	"context"
	"sync"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// sharedClient is one storage.Client (one connection pool) shared by every
// store opened with the same options, so N namespaces cost one pool, not N.
type sharedClient struct {
	key    string // canonical options JSON
	handle uint64 // its entry in handles, so ngr_handle_count sees it
	client *storage.Client
	refs   int // open stores using it
}

// clientRegistry finds the shared client for a set of options, refcounted.
type clientRegistry struct {
	mu    sync.Mutex
	byKey map[string]*sharedClient
}

var clients = &clientRegistry{byKey: make(map[string]*sharedClient)}

// acquire returns the client for the canonical options key, creating it on
// first use. The lock is held across storage.New so two stores opened at once
// with the same options never build two pools.
func (r *clientRegistry) acquire(ctx context.Context, w *wireOptions, key string) (*sharedClient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if sc, ok := r.byKey[key]; ok {
		sc.refs++
		return sc, nil
	}
	c, err := storage.New(ctx, w.storageOptions())
	if err != nil {
		return nil, err
	}
	sc := &sharedClient{key: key, client: c, refs: 1}
	sc.handle = handles.add(sc)
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
		handles.remove(sc.handle)
	}
	r.mu.Unlock()
	if !last {
		return nil
	}
	return sc.client.Close()
}
