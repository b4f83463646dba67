package main

import (
	"bytes"
	"context"
	"sync/atomic"
	"time"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// store is what a store handle points at: one namespace on a shared client.
// The namespace is bound on the first operation, once the client has
// connected (see sharedClient).
type store struct {
	name    string
	client  *sharedClient
	secrets []string // redacted from every message this store produces
	metrics *nsMetrics
	ns      atomic.Pointer[storage.Namespace]
}

// openStore parses and validates the wire options and registers the store
// on its shared client. No network I/O: connecting is left to the first
// operation. Errors never show the password.
func openStore(optionsJSON []byte, namespace string) (uint64, error) {
	if err := storage.ValidateNamespace(namespace); err != nil {
		return 0, err
	}
	opts, key, err := parseOptions(optionsJSON)
	if err != nil {
		return 0, err
	}
	sc, err := clients.acquire(opts, key)
	if err != nil {
		return 0, redactedError{err, opts.Secrets()}
	}
	m := sc.metrics.forNamespace(namespace)
	return handles.add(&store{name: namespace, client: sc, secrets: opts.Secrets(), metrics: m}), nil
}

// closeStore forgets the handle and releases the shared client. Of callers
// racing on one handle, only the one whose remove succeeds releases.
func closeStore(h uint64) error {
	s, err := lookup[*store](handles, h)
	if err != nil {
		return err
	}
	if _, ok := handles.remove(h); !ok {
		return errBadHandle // closed concurrently by another caller
	}
	return clients.release(s.client)
}

// namespace returns the store's namespace, connecting the shared client
// first if no operation has yet.
func (s *store) namespace(ctx context.Context) (*storage.Namespace, error) {
	if ns := s.ns.Load(); ns != nil {
		return ns, nil
	}
	c, err := s.client.get(ctx)
	if err != nil {
		return nil, err
	}
	ns, err := c.Namespace(s.name)
	if err != nil {
		return nil, err
	}
	s.ns.CompareAndSwap(nil, ns)
	return s.ns.Load(), nil
}

// run executes op on this store's namespace under one deadline, the
// client's operation_timeout: connecting, PINGs, pipelines, overlapped
// round trips and retries all share it, so no retry multiplies it. It
// records latency and outcome (metrics.go); errors are scrubbed of secrets
// and a timeout says what it means (timeoutError).
func (s *store) run(ctx context.Context, op int32, req []byte) ([]byte, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.client.callTimeout)
	defer cancel()
	resp, err := s.runUnobserved(ctx, op, req)
	s.metrics.observe(op, time.Since(start), err)
	if err != nil {
		return nil, redactedError{explainTimeout(err, op, s.client), s.secrets}
	}
	return resp, nil
}

// detached is run of op on a private copy of req, for a call that may
// outlive the caller's buffer (ngr_submit, ngr_call_start).
func (s *store) detached(op int32, req []byte) func(ctx context.Context) ([]byte, error) {
	payload := bytes.Clone(req)
	return func(ctx context.Context) ([]byte, error) { return s.run(ctx, op, payload) }
}

func (s *store) runUnobserved(ctx context.Context, op int32, req []byte) ([]byte, error) {
	ns, err := s.namespace(ctx)
	if err != nil {
		return nil, err
	}
	if op == opStats {
		return runStats(ctx, ns, req, s.metrics)
	}
	return runOp(ctx, ns, op, req)
}
