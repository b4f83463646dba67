package main

import (
	"context"
	"sync"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// store is what a store handle points at: one namespace on a shared client.
type store struct {
	ns      *storage.Namespace
	client  *sharedClient
	secrets []string // redacted from every message this store produces
	once    sync.Once
}

// openStore parses the wire options, acquires the shared client and opens
// the namespace. Errors never show the password.
func openStore(ctx context.Context, optionsJSON []byte, namespace string) (uint64, error) {
	w, key, err := parseOptions(optionsJSON)
	if err != nil {
		return 0, err
	}
	sc, err := clients.acquire(ctx, w, key)
	if err != nil {
		return 0, redactedError{err, w.secrets()}
	}
	ns, err := sc.client.Namespace(namespace)
	if err != nil {
		_ = clients.release(sc)
		return 0, redactedError{err, w.secrets()}
	}
	return handles.add(&store{ns: ns, client: sc, secrets: w.secrets()}), nil
}

// closeStore forgets the handle and releases the shared client.
func closeStore(h uint64) error {
	s, err := lookup[*store](handles, h)
	if err != nil {
		return err
	}
	if _, ok := handles.remove(h); !ok {
		return errBadHandle // closed concurrently by another caller
	}
	var closeErr error
	s.once.Do(func() { closeErr = clients.release(s.client) })
	return closeErr
}

// run executes op on this store's namespace; errors are scrubbed of secrets.
func (s *store) run(ctx context.Context, op int32, req []byte) ([]byte, error) {
	resp, err := runOp(ctx, s.ns, op, req)
	if err != nil {
		return nil, redactedError{err, s.secrets}
	}
	return resp, nil
}
