package main

import (
	"context"
	"encoding/binary"
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
	before := handles.len()
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

	close(release)
	assert.Equal(t, tk, readTicket(t, cq.readFD))
	resp, err := cq.take(tk)
	require.NoError(t, err)
	assert.Equal(t, []byte("done"), resp)
	_, err = cq.take(tk)
	assert.ErrorIs(t, err, errBadHandle)

	require.NoError(t, cq.close())
	assert.Equal(t, before, handles.len())
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
	before := handles.len()
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
	assert.Equal(t, before, handles.len())
	_, err = cq.submit(func(context.Context) ([]byte, error) { return nil, nil })
	assert.ErrorIs(t, err, errQueueClosed)
	assert.ErrorIs(t, cq.close(), errBadHandle)
}
