package main

import (
	"sync"
	"sync/atomic"
)

// handleTable maps the opaque uint64 handles of the C ABI to Go values, so no
// Go pointer ever crosses the boundary. It holds what a caller names by
// handle: stores and completion queues. Tickets are found in their queue and
// shared clients in the client registry, so they stay out of the table and
// its lock (two writes per async request otherwise) and are only counted.
type handleTable struct {
	mu    sync.RWMutex // lookups (every call) share it; only add/remove write
	next  uint64
	items map[uint64]any
}

// handles is the process-wide table behind every exported function.
var handles = newHandleTable()

// unlisted counts the live objects that are not in the table: tickets not
// yet taken and shared clients still in use.
var unlisted atomic.Int64

// liveHandles is ngr_handle_count: every live object, in the table or not.
// Tests check it drops back to where it was after close.
func liveHandles() int64 { return int64(handles.len()) + unlisted.Load() }

func newHandleTable() *handleTable {
	return &handleTable{items: make(map[uint64]any)}
}

// add stores v and returns its new handle. Handles start at 1 and are never
// reused, so a stale handle can never reach a newer object.
func (t *handleTable) add(v any) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	t.items[t.next] = v
	return t.next
}

// get returns the value of h, or false when h is unknown.
func (t *handleTable) get(h uint64) (any, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.items[h]
	return v, ok
}

// remove forgets h and returns what it held, or false when h is unknown.
func (t *handleTable) remove(h uint64) (any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.items[h]
	delete(t.items, h)
	return v, ok
}

// len is the number of live handles.
func (t *handleTable) len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.items)
}

// lookup returns the value of h if it is a T; the kind check stops a queue
// handle from being used as a store and the like.
func lookup[T any](t *handleTable, h uint64) (T, error) {
	v, ok := t.get(h)
	typed, isT := v.(T)
	if !ok || !isT {
		var zero T
		return zero, errBadHandle
	}
	return typed, nil
}
