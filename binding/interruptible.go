package main

import (
	"context"
	"time"
)

// pendingCall is a blocking call run in its own goroutine, so that its caller
// can wait for it in slices. Python handles Ctrl-C (and every other signal)
// only between two C calls on its main thread: a sync call that blocked in
// one ngr_call for the whole operation could not be interrupted, however
// long its retries took. A call that outlives its first slice gets a handle;
// the caller waits again or abandons it.
type pendingCall struct {
	done   chan struct{} // closed when resp and err are set
	cancel context.CancelFunc
	resp   []byte
	err    error
}

// startCall runs run in its own goroutine with a cancellable context.
func startCall(run func(ctx context.Context) ([]byte, error)) *pendingCall {
	ctx, cancel := context.WithCancel(context.Background())
	c := &pendingCall{done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(c.done)
		defer cancel()
		c.resp, c.err = runRecovered(ctx, run)
	}()
	return c
}

// wait reports whether the call finished within d (at once for d <= 0).
func (c *pendingCall) wait(d time.Duration) bool {
	select {
	case <-c.done:
		return true
	default:
	}
	if d <= 0 {
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-c.done:
		return true
	case <-timer.C:
		return false
	}
}

// waitSlice turns a caller's wait in milliseconds into a duration; a
// negative one means no wait.
func waitSlice(ms int32) time.Duration {
	return time.Duration(max(ms, 0)) * time.Millisecond
}
