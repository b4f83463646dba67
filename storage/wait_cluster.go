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

// A ClusterClient pipeline routes each command by its key, so it cannot
// carry MULTI/EXEC; and WAIT counts the writes of the connection it runs on.
// So on a cluster an upsert round trip is split here: per master, its bucket
// transactions (and then WAIT, with WaitReplicas) go in one pipeline on that
// master's own client, the masters in parallel. A transaction refused
// because the slot map changed (a failover or a slot move: MOVED, ASK,
// TRYAGAIN, CLUSTERDOWN, or a master that no longer accepts connections), or
// whose WAIT failed (its master turned into a replica), is regrouped after a
// slot-map reload and sent again, at most MaxRetries times with the retry
// backoff. A refused transaction ran nothing (EXEC aborts), and each is
// idempotent, so sending one again is safe.

// masterGroup is one master's share of a round trip.
type masterGroup struct {
	master *redis.Client
	calls  []bucketWrite
}

func (c *Client) upsertPerMaster(ctx context.Context, cluster *redis.ClusterClient, calls []bucketWrite) error {
	for attempt := 0; ; attempt++ {
		groups, err := groupByMaster(ctx, cluster, calls)
		if err != nil {
			return wrapRedis("upsert", err)
		}
		refused, lastRefusal, err := c.sendToMasters(ctx, groups)
		if err != nil || len(refused) == 0 {
			return err
		}
		if c.opts.WaitReplicas == 0 {
			if refused, lastRefusal, err = resendEachInTx(ctx, cluster, refused); err != nil || len(refused) == 0 {
				return err
			}
		}
		if attempt >= c.opts.MaxRetries {
			return wrapRedis("upsert", fmt.Errorf("%d bucket writes still refused after %d retries: %w", len(refused), attempt, lastRefusal))
		}
		cluster.ReloadState(ctx) // asynchronous: the backoff gives it time
		if err := sleepCtx(ctx, c.retryBackoff(attempt)); err != nil {
			return wrapRedis("upsert", err)
		}
		calls = refused
	}
}

// resendEachInTx sends each refused write as go-redis's own single-slot
// transaction, which follows MOVED and ASK (ASKING before MULTI) at once:
// with no WAIT to keep on one connection, a write into a migrating slot
// need not wait for the migration to end. It returns the writes still
// refused by a changed slot map, with one refusal, or another error.
func resendEachInTx(ctx context.Context, cluster *redis.ClusterClient, writes []bucketWrite) (refused []bucketWrite, lastRefusal, err error) {
	for _, w := range writes {
		_, e := cluster.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			w.queue(ctx, pipe, nil)
			return nil
		})
		switch {
		case e == nil:
		case slotMapChanged(e):
			refused, lastRefusal = append(refused, w), e
		default:
			return nil, nil, wrapRedis("upsert", e)
		}
	}
	return refused, lastRefusal, nil
}

func groupByMaster(ctx context.Context, cluster *redis.ClusterClient, calls []bucketWrite) ([]masterGroup, error) {
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
// bucket writes to send again (refused by a changed slot map) with one refusal,
// or the first other error, ErrNotReplicated included.
func (c *Client) sendToMasters(ctx context.Context, groups []masterGroup) (refused []bucketWrite, lastRefusal, err error) {
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

func (c *Client) sendToMaster(ctx context.Context, g masterGroup) (refused []bucketWrite, lastRefusal, err error) {
	defer recoverAs(&err, "upsert to one master")
	pipe := g.master.Pipeline()
	txs, wait := c.queueUpserts(ctx, pipe, g.calls)
	_, _ = pipe.Exec(ctx) // errors are read per command below
	for i, tx := range txs {
		switch e := tx.err(); {
		case e == nil:
		case slotMapChanged(e):
			refused, lastRefusal = append(refused, g.calls[i]), e
		default:
			return nil, nil, wrapRedis("upsert", e)
		}
	}
	if wait == nil || len(refused) == len(g.calls) {
		return refused, lastRefusal, nil // without WaitReplicas, or nothing written here: nothing to wait for
	}
	if e := wait.Err(); e != nil {
		// The transactions ran but WAIT failed: typically the master was demoted
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
