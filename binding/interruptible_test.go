package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPendingCallFinishesWithinItsWait(t *testing.T) {
	c := startCall(func(context.Context) ([]byte, error) { return []byte("done"), nil })
	require.True(t, c.wait(time.Minute))
	assert.Equal(t, []byte("done"), c.resp)
	assert.NoError(t, c.err)
}

func TestPendingCallWaitsInSlicesUntilItEnds(t *testing.T) {
	release := make(chan struct{})
	c := startCall(func(context.Context) ([]byte, error) {
		<-release
		return []byte("late"), nil
	})
	assert.False(t, c.wait(0), "a zero wait only looks")
	assert.False(t, c.wait(10*time.Millisecond), "still running after a slice")
	close(release)
	require.True(t, c.wait(time.Minute))
	assert.Equal(t, []byte("late"), c.resp)
}

func TestAbandonedCallIsCancelledAndPanicsBecomeErrors(t *testing.T) {
	c := startCall(func(ctx context.Context) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	c.cancel() // what ngr_call_abandon does
	require.True(t, c.wait(time.Minute))
	assert.ErrorIs(t, c.err, context.Canceled)

	p := startCall(func(context.Context) ([]byte, error) { panic("boom") })
	require.True(t, p.wait(time.Minute))
	var pe *panicError
	assert.ErrorAs(t, p.err, &pe)
}

func TestWaitSliceTreatsNegativeAsNoWait(t *testing.T) {
	assert.Equal(t, time.Duration(0), waitSlice(-5))
	assert.Equal(t, 100*time.Millisecond, waitSlice(100))
}
