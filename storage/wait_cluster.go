package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// WAIT counts the writes of the connection it runs on, and a ClusterClient
// pipeline spreads its commands over the nodes. So on a cluster with
// WaitReplicas, an upsert round trip is split here: per master, its bucket
// scripts and then WAIT go in one pipeline on that master's own client, the
// masters in parallel. A script refused because the slot map changed (a
// failover or a slot move: MOVED, ASK, TRYAGAIN, CLUSTERDOWN, or a master that
// no longer accepts connections), or whose WAIT failed (its master turned
// into a replica), is regrouped after a slot-map reload and
// sent again, at most MaxRetries times with the retry backoff. The scripts
// are idempotent, so sending one again is safe.

// masterGroup is one master's share of a round trip.
type masterGroup struct {
	master *redis.Client
	calls  []scriptCall
}

func (c *Client) upsertWaitingPerMaster(ctx context.Context, cluster *redis.ClusterClient, calls []scriptCall) error {
	for attempt := 0; ; attempt++ {
		groups, err := groupByMaster(ctx, cluster, calls)
		if err != nil {
			return wrapRedis("upsert", err)
		}
		refused, lastRefusal, err := c.sendToMasters(ctx, groups)
		if err != nil || len(refused) == 0 {
			return err
		}
		if attempt >= c.opts.MaxRetries {
			return wrapRedis("upsert", fmt.Errorf("%d bucket scripts still refused after %d retries: %w", len(refused), attempt, lastRefusal))
		}
		cluster.ReloadState(ctx) // asynchronous: the backoff gives it time
		if err := sleepCtx(ctx, c.retryBackoff(attempt)); err != nil {
			return wrapRedis("upsert", err)
		}
		calls = refused
	}
}

func groupByMaster(ctx context.Context, cluster *redis.ClusterClient, calls []scriptCall) ([]masterGroup, error) {
	index := map[*redis.Client]int{}
	var groups []masterGroup
	for _, call := range calls {
		master, err := cluster.MasterForKey(ctx, call.keys[0]) // every key of a call shares the bucket's slot
		if err != nil {
			return nil, err
		}
		i, ok := index[master]
		if !ok {
			i = len(groups)
			index[master] = i
			groups = append(groups, masterGroup{master: master})
		}
		groups[i].calls = append(groups[i].calls, call)
	}
	return groups, nil
}

// sendToMasters runs every group's pipeline in parallel. It returns the
// scripts to send again (refused by a changed slot map) with one refusal,
// or the first other error, ErrNotReplicated included.
func (c *Client) sendToMasters(ctx context.Context, groups []masterGroup) (refused []scriptCall, lastRefusal, err error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, refusal, e := c.sendToMaster(ctx, g)
			mu.Lock()
			defer mu.Unlock()
			refused = append(refused, r...)
			if refusal != nil {
				lastRefusal = refusal
			}
			if e != nil && err == nil {
				err = e
			}
		}()
	}
	wg.Wait()
	return refused, lastRefusal, err
}

func (c *Client) sendToMaster(ctx context.Context, g masterGroup) (refused []scriptCall, lastRefusal, err error) {
	defer recoverAs(&err, "upsert to one master")
	pipe := g.master.Pipeline()
	evals, wait := c.queueUpserts(ctx, pipe, g.calls)
	_, _ = pipe.Exec(ctx) // errors are read per command below
	for i, cmd := range evals {
		switch e := cmd.Err(); {
		case e == nil:
		case slotMapChanged(e):
			refused, lastRefusal = append(refused, g.calls[i]), e
		default:
			return nil, nil, wrapRedis("upsert", e)
		}
	}
	if len(refused) == len(g.calls) {
		return refused, lastRefusal, nil // nothing written here: nothing to wait for
	}
	if e := wait.Err(); e != nil {
		// The scripts ran but WAIT failed: typically the master was demoted
		// by a failover while WAIT blocked ("UNBLOCKED") or before WAIT ran
		// ("WAIT cannot be used with replica instances"). The new master
		// gets the whole group again, and WAIT there.
		return g.calls, e, nil
	}
	return refused, lastRefusal, c.checkReplicated(wait)
}

// slotMapChanged reports a refusal that a slot-map reload and a resend can
// cure: the slot moved or is moving, the cluster is re-electing, or the
// master is gone (its own client already retried the dial).
func slotMapChanged(err error) bool {
	if _, moved := redis.IsMovedError(err); moved {
		return true
	}
	if _, ask := redis.IsAskError(err); ask {
		return true
	}
	var opErr *net.OpError
	return redis.IsTryAgainError(err) || redis.IsClusterDownError(err) ||
		(errors.As(err, &opErr) && opErr.Op == "dial")
}

// retryBackoff doubles from MinRetryBackoff up to MaxRetryBackoff.
func (c *Client) retryBackoff(attempt int) time.Duration {
	d := c.opts.MinRetryBackoff << min(attempt, 16)
	return min(d, c.opts.MaxRetryBackoff)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
