package faultproxy

import (
	"errors"
	"math"
	"time"
)

// Faults is what a proxy does to the bytes it forwards. The zero value
// forwards them untouched. A new value replaces the old one at once, also
// for connections already open.
type Faults struct {
	// LatencyMs delays every byte by this many milliseconds in each
	// direction, so a round trip grows by twice it (0.125 adds 0.25 ms).
	LatencyMs float64 `json:"latency_ms,omitempty"`
	// RateBytesPerS caps each direction of the proxy, all its connections
	// together, to this many bytes per second, like a thin link; 0 = no cap.
	RateBytesPerS int64 `json:"rate_bytes_per_s,omitempty"`
	// Blackhole accepts bytes (and new connections) on both sides but
	// forwards nothing until it is cleared, like a network path that drops
	// packets: what arrived meanwhile is held and delivered afterwards, as
	// TCP would retransmit it once the path heals.
	Blackhole bool `json:"blackhole,omitempty"`
	// ResetAfterBytes resets (TCP RST, both sides) every connection once it
	// has forwarded this many bytes toward the server; 0 = never. A new
	// connection starts counting from zero.
	ResetAfterBytes int64 `json:"reset_after_bytes,omitempty"`
}

func (f Faults) check() error {
	switch {
	case f.LatencyMs < 0 || math.IsNaN(f.LatencyMs) || f.LatencyMs > 600_000:
		return errors.New("latency_ms must be within 0..600000")
	case f.RateBytesPerS < 0:
		return errors.New("rate_bytes_per_s must not be negative")
	case f.ResetAfterBytes < 0:
		return errors.New("reset_after_bytes must not be negative")
	}
	return nil
}

func (f Faults) latency() time.Duration {
	return time.Duration(f.LatencyMs * float64(time.Millisecond))
}
