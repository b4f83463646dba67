package faultproxy

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// sleepUntil blocks until about t, to within some tens of microseconds:
// fine enough for a latency of 0.125 ms per direction. time.Sleep is not:
// on this kind of machine the runtime's timers wake up to a millisecond
// late. nanosleep(2) wakes late too, by a steady amount (the kernel's timer
// slack and the return to the Go scheduler), which is learnt and slept less;
// a wake-up that comes early after all (a learnt lateness larger than this
// one, EINTR) yields until t, so the delay is a lower bound.
func sleepUntil(t time.Time) {
	d := time.Until(t)
	if d > 5*time.Millisecond {
		time.Sleep(d - 2*time.Millisecond) // the coarse part; the precise rest below
		d = time.Until(t)
	}
	defer func() {
		for time.Now().Before(t) {
			runtime.Gosched()
		}
	}()
	ask := d - time.Duration(lateness.Load())
	if ask <= 0 {
		return
	}
	start := time.Now()
	ts := syscall.NsecToTimespec(int64(ask))
	_ = syscall.Nanosleep(&ts, nil) // EINTR wakes early, never late
	late := time.Since(start) - ask
	if late < 0 || late > maxLateness {
		return // a wake-up delayed by a busy machine says nothing about nanosleep
	}
	old := lateness.Load()
	lateness.Store(old + (int64(late)-old)/8) // a running mean
}

// lateness is how late nanosleep wakes up, in nanoseconds (learnt, at most maxLateness).
var lateness atomic.Int64

const maxLateness = 200 * time.Microsecond
