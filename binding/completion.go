package main

import (
	"context"
	"encoding/binary"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// completionQueue signals finished tickets on a non-blocking pipe that the
// caller's event loop watches (asyncio loop.add_reader). The write end is an
// *os.File over a non-blocking fd, so a write that would block parks its
// goroutine in the Go netpoller instead of holding an OS thread: 1000
// requests in flight cost 1000 goroutines, not 1000 threads.
type completionQueue struct {
	handle uint64
	readFD int      // handed to the caller, closed by close()
	w      *os.File // write end, netpoller-backed

	mu      sync.Mutex
	closed  bool
	tickets map[uint64]*ticket // submitted and not yet taken
}

// ticketIDs numbers tickets across every queue from 1, never reusing one,
// so a stale id can never reach a newer ticket.
var ticketIDs atomic.Uint64

// ticket is one request submitted to a queue; its id is the caller's handle
// for it, looked up in the queue's own map (not in handles).
type ticket struct {
	id     uint64
	cancel context.CancelFunc

	// Set once, under cq.mu, when the request completes.
	done bool
	resp []byte
	err  error
}

func openQueue() (*completionQueue, error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	cq := &completionQueue{
		readFD:  fds[0],
		w:       os.NewFile(uintptr(fds[1]), "ngr-completion-queue"),
		tickets: make(map[uint64]*ticket),
	}
	cq.handle = handles.add(cq)
	return cq, nil
}

// submit starts run in a goroutine with a cancellable context and returns
// the ticket handle; on completion the ticket id is written to the pipe.
func (cq *completionQueue) submit(run func(ctx context.Context) ([]byte, error)) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	t := &ticket{cancel: cancel}
	cq.mu.Lock()
	if cq.closed {
		cq.mu.Unlock()
		cancel()
		return 0, errQueueClosed
	}
	t.id = ticketIDs.Add(1)
	cq.tickets[t.id] = t
	unlisted.Add(1)
	cq.mu.Unlock()

	go func() {
		resp, err := runRecovered(ctx, run)
		cq.complete(t, resp, err)
	}()
	return t.id, nil
}

// complete records the result and signals the ticket id. If the queue was
// closed meanwhile, close() already forgot the ticket and the result is
// simply dropped.
func (cq *completionQueue) complete(t *ticket, resp []byte, err error) {
	t.cancel() // release the context's resources
	cq.mu.Lock()
	if cq.closed {
		cq.mu.Unlock()
		return
	}
	t.done, t.resp, t.err = true, resp, err
	cq.mu.Unlock()
	var id [8]byte
	binary.LittleEndian.PutUint64(id[:], t.id)
	_, _ = cq.w.Write(id[:]) // fails only if the queue closed meanwhile: nobody is listening
}

// take returns a completed ticket's result and forgets it.
func (cq *completionQueue) take(h uint64) ([]byte, error) {
	cq.mu.Lock()
	defer cq.mu.Unlock()
	t, ok := cq.tickets[h]
	if !ok {
		return nil, errBadHandle
	}
	if !t.done {
		return nil, errPending
	}
	delete(cq.tickets, h)
	unlisted.Add(-1)
	return t.resp, t.err
}

// cancelTicket cancels a ticket's context; it still completes and must be taken.
func (cq *completionQueue) cancelTicket(h uint64) error {
	cq.mu.Lock()
	t, ok := cq.tickets[h]
	cq.mu.Unlock()
	if !ok {
		return errBadHandle
	}
	t.cancel()
	return nil
}

// close cancels pending tickets, frees untaken results and closes the pipe.
func (cq *completionQueue) close() error {
	cq.mu.Lock()
	if cq.closed {
		cq.mu.Unlock()
		return errBadHandle
	}
	cq.closed = true
	for _, t := range cq.tickets {
		t.cancel()
	}
	unlisted.Add(-int64(len(cq.tickets)))
	cq.tickets = nil
	cq.mu.Unlock()
	handles.remove(cq.handle)
	werr := cq.w.Close()
	if rerr := syscall.Close(cq.readFD); rerr != nil {
		return rerr
	}
	return werr
}

// runRecovered runs fn and turns a panic into a panicError, so a panicking
// request completes its ticket with NGR_ERR_PANIC instead of killing the process.
func runRecovered(ctx context.Context, fn func(ctx context.Context) ([]byte, error)) (resp []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, &panicError{value: r}
		}
	}()
	return fn(ctx)
}
