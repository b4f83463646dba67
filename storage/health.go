package storage

import (
	"context"
	"sync"
	"time"
)

// healthMonitor PINGs in the background so that Stats can say whether Redis
// answered recently without a round trip of its own. go-redis already
// replaces broken connections; this is for monitoring only.
type healthMonitor struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	last Health
}

// Health is the result of the last background PING.
type Health struct {
	OK              bool   `msgpack:"ok"`
	LastCheckUnixMs int64  `msgpack:"last_check_unix_ms"` // 0 = never checked
	LastError       string `msgpack:"last_error"`         // "" when OK
}

// startHealthMonitor pings every interval; a non-positive interval disables it.
func startHealthMonitor(rdb backend, interval, timeout time.Duration) *healthMonitor {
	ctx, cancel := context.WithCancel(context.Background())
	h := &healthMonitor{cancel: cancel, done: make(chan struct{})}
	if interval <= 0 {
		close(h.done)
		return h
	}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			h.check(ctx, rdb, timeout)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *healthMonitor) check(ctx context.Context, rdb backend, timeout time.Duration) {
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	err := ping(pingCtx, rdb)
	cancel()
	if ctx.Err() != nil {
		return // stopping: not a health result
	}
	res := Health{OK: err == nil, LastCheckUnixMs: time.Now().UnixMilli()}
	if err != nil {
		res.LastError = wrapRedis("ping", err).Error()
	}
	h.mu.Lock()
	h.last = res
	h.mu.Unlock()
}

func ping(ctx context.Context, rdb backend) (err error) {
	defer recoverAs(&err, "health check")
	return rdb.Ping(ctx).Err()
}

// Ping sends PING (on a cluster, to one node) and reports the error, if any:
// a check that the server answers, for readiness probes.
func (n *Namespace) Ping(ctx context.Context) error {
	if err := n.c.checkOpen(); err != nil {
		return err
	}
	if err := ping(ctx, n.c.rdb); err != nil {
		return wrapRedis("ping", err)
	}
	return nil
}

func (h *healthMonitor) snapshot() Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

func (h *healthMonitor) stop() {
	h.cancel()
	<-h.done
}
