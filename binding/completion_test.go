package main

import (
	"context"
	"encoding/binary"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readTicket blocks (polling the non-blocking pipe) until one id arrives.
func readTicket(t *testing.T, fd int) uint64 {
	t.Helper()
	var buf [8]byte
	for i := 0; i < 5000; i++ {
		n, err := syscall.Read(fd, buf[:])
		if err == syscall.EAGAIN {
			time.Sleep(time.Millisecond)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, 8, n)
		return binary.LittleEndian.Uint64(buf[:])
	}
	t.Fatal("no ticket completed")
	return 0
}

func TestQueueSignalsCompletionAndTakeForgetsTheTicket(t *testing.T) {
	before := liveHandles()
	cq, err := openQueue()
	require.NoError(t, err)
	release := make(chan struct{})
	tk, err := cq.submit(func(context.Context) ([]byte, error) {
		<-release
		return []byte("done"), nil
	})
	require.NoError(t, err)
	_, err = cq.take(tk)
	assert.ErrorIs(t, err, errPending)
	assert.Equal(t, before+2, liveHandles(), "the queue and its ticket")

	close(release)
	assert.Equal(t, tk, readTicket(t, cq.readFD))
	resp, err := cq.take(tk)
	require.NoError(t, err)
	assert.Equal(t, []byte("done"), resp)
	assert.Equal(t, before+1, liveHandles(), "the ticket is forgotten once taken")
	_, err = cq.take(tk)
	assert.ErrorIs(t, err, errBadHandle)

	require.NoError(t, cq.close())
	assert.Equal(t, before, liveHandles())
}

func TestCancelStopsTheContextAndPanicsBecomeErrors(t *testing.T) {
	cq, err := openQueue()
	require.NoError(t, err)
	defer cq.close()
	tk, err := cq.submit(func(ctx context.Context) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	require.NoError(t, err)
	require.NoError(t, cq.cancelTicket(tk))
	assert.Equal(t, tk, readTicket(t, cq.readFD))
	_, err = cq.take(tk)
	assert.Equal(t, statusCancelled, statusOf(err))

	tk, err = cq.submit(func(context.Context) ([]byte, error) { panic("boom") })
	require.NoError(t, err)
	assert.Equal(t, tk, readTicket(t, cq.readFD))
	_, err = cq.take(tk)
	assert.Equal(t, statusPanic, statusOf(err))
	assert.Contains(t, err.Error(), "boom")
}

func TestCloseFreesUntakenAndPendingTickets(t *testing.T) {
	before := liveHandles()
	cq, err := openQueue()
	require.NoError(t, err)
	stuck := make(chan struct{})
	defer close(stuck)
	_, err = cq.submit(func(ctx context.Context) ([]byte, error) { <-ctx.Done(); <-stuck; return nil, nil })
	require.NoError(t, err)
	done, err := cq.submit(func(context.Context) ([]byte, error) { return []byte("x"), nil })
	require.NoError(t, err)
	readTicket(t, cq.readFD) // completed, never taken
	_ = done

	require.NoError(t, cq.close())
	assert.Equal(t, before, liveHandles())
	_, err = cq.submit(func(context.Context) ([]byte, error) { return nil, nil })
	assert.ErrorIs(t, err, errQueueClosed)
	assert.ErrorIs(t, cq.close(), errBadHandle)
}

// BenchmarkSubmitTake is the async path's own cost, without Redis: many
// goroutines (as many threads would) submit requests that complete at once,
// looking the queue and store handles up as ngr_submit does, while one
// goroutine plays the caller's event loop: it reads the completed ids from
// the pipe and takes each result as ngr_take does. At most 256 in flight.
func BenchmarkSubmitTake(b *testing.B) {
	cq, err := openQueue()
	require.NoError(b, err)
	sh := handles.add(&store{name: "bench"})
	defer handles.remove(sh)
	inFlight := make(chan struct{}, 256)
	loopDone := takeCompleted(b, cq, inFlight)
	noop := func(context.Context) ([]byte, error) { return nil, nil }

	b.SetParallelism(8) // 8 x GOMAXPROCS submitting goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			inFlight <- struct{}{}
			q, err := lookup[*completionQueue](handles, cq.handle)
			if err == nil {
				_, err = lookup[*store](handles, sh)
			}
			if err == nil {
				_, err = q.submit(noop)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	for range cap(inFlight) { // every submitted ticket taken
		inFlight <- struct{}{}
	}
	b.StopTimer()
	require.NoError(b, cq.close())
	<-loopDone
}

// takeCompleted is the caller's event loop: it reads completed ticket ids
// (through a duplicate of the read end, which the queue closes) and takes
// each, until the queue closes.
func takeCompleted(b *testing.B, cq *completionQueue, inFlight <-chan struct{}) <-chan struct{} {
	dup, err := syscall.Dup(cq.readFD)
	require.NoError(b, err)
	r := os.NewFile(uintptr(dup), "loop")
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.Close()
		buf := make([]byte, 8*512) // whole ids: each 8-byte write is atomic
		for {
			n, err := r.Read(buf)
			if err != nil {
				return
			}
			for i := 0; i+8 <= n; i += 8 {
				q, err := lookup[*completionQueue](handles, cq.handle)
				if err == nil {
					_, err = q.take(binary.LittleEndian.Uint64(buf[i:]))
				}
				if err != nil {
					b.Error(err)
					return
				}
				<-inFlight
			}
		}
	}()
	return done
}
