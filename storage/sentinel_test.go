package storage

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sentinel deployment of with-redis.sh: one master, one replica, one
// redis-sentinel. These tests change which node is master, so they run
// alone (no t.Parallel) and leave the pair whole again (replica linked).

// sentinelAdmin talks to the redis-sentinel process itself.
func sentinelAdmin(t *testing.T) (*redis.SentinelClient, string) {
	t.Helper()
	ep, err := parseURL(mustEnv(t, "NGR_TEST_SENTINEL_URL"))
	require.NoError(t, err)
	s := redis.NewSentinelClient(&redis.Options{Addr: ep.addrs[0]})
	t.Cleanup(func() { s.Close() })
	return s, ep.masterName
}

func sentinelMaster(t *testing.T, s *redis.SentinelClient, name string) string {
	t.Helper()
	addr, err := s.GetMasterAddrByName(context.Background(), name).Result()
	require.NoError(t, err)
	return net.JoinHostPort(addr[0], addr[1])
}

// waitReplicaLinked polls (bounded) until the master at addr reports one
// replica online, i.e. linked and past its first sync.
func waitReplicaLinked(t *testing.T, addr string) {
	t.Helper()
	ctx := context.Background()
	master := redis.NewClient(&redis.Options{Addr: addr})
	defer master.Close()
	for range 300 {
		info, err := master.Info(ctx, "replication").Result()
		if err == nil && strings.Contains(info, "role:master") &&
			strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "state=online") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("master %s has no replica online", addr)
}

// sentinelReplica returns a plain client on the sentinel's (only) replica.
func sentinelReplica(t *testing.T, s *redis.SentinelClient, name string) *redis.Client {
	t.Helper()
	replicas, err := s.Replicas(context.Background(), name).Result()
	require.NoError(t, err)
	require.Len(t, replicas, 1)
	r := redis.NewClient(&redis.Options{Addr: net.JoinHostPort(replicas[0]["ip"], replicas[0]["port"])})
	t.Cleanup(func() { r.Close() })
	return r
}

// After SENTINEL FAILOVER the client follows the new master by itself and
// keeps writing and reading. With WaitReplicas=1 every upsert that returned
// success reached a replica before the switch or the new master after it,
// so none of them is lost.
func TestSentinelFailover(t *testing.T) {
	ctx := context.Background()
	admin, name := sentinelAdmin(t)
	before := sentinelMaster(t, admin, name)
	waitReplicaLinked(t, before)
	c := newTestClient(t, mustEnv(t, "NGR_TEST_SENTINEL_URL"), func(o *Options) {
		o.WaitReplicas, o.WaitTimeout = 1, 500*time.Millisecond
	})
	ns := newTestNamespace(t, c, "failover")
	pre := ids("pre", 200)
	_, err := ns.Upsert(ctx, itemsFor(t, pre, func(i int) []byte { return mp(t, i) }))
	require.NoError(t, err)

	require.NoError(t, admin.Failover(ctx, name).Err())

	// Write one new id per attempt until, with the new master in place, a
	// write and a read of it both succeed. Bounded: 60 s at most.
	var acked, failed []string
	switched := false
	for attempt := 0; attempt < 600; attempt++ {
		id := fmt.Sprintf("w-%d", attempt)
		_, err := ns.Upsert(ctx, []Item{{id, mp(t, id)}})
		if err != nil {
			failed = append(failed, id) // e.g. ErrNotReplicated until the old master re-links
			time.Sleep(100 * time.Millisecond)
			continue
		}
		acked = append(acked, id)
		switched = switched || sentinelMaster(t, admin, name) != before
		if got, err := ns.Get(ctx, id); switched && err == nil && got != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.True(t, switched, "the sentinel never promoted the replica")
	t.Logf("after the failover: %d writes acknowledged, %d reported an error", len(acked), len(failed))
	after := sentinelMaster(t, admin, name)
	require.NotEqual(t, before, after)
	waitReplicaLinked(t, after) // the old master is the new replica: the pair is whole again

	want := append(append([]string{}, pre...), acked...)
	missing, err := ns.FilterMissing(ctx, want)
	require.NoError(t, err)
	assert.Empty(t, missing, "every acknowledged write survived the failover")
	lost, err := ns.FilterMissing(ctx, failed)
	require.NoError(t, err)
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	// writes that reported an error may or may not have landed: count them as they are
	assert.EqualValues(t, len(want)+len(failed)-len(lost), count, "the count is exact")
	got, err := ns.Get(ctx, pre[7])
	require.NoError(t, err)
	assert.Equal(t, mp(t, 7), got)
	// and once the old master serves as the replica, WAIT 1 is met again
	for attempt := 0; ; attempt++ {
		_, err = ns.Upsert(ctx, []Item{{"after", mp(t, "after")}})
		if err == nil || attempt == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	assert.NoError(t, err, "WAIT 1 is met again with the old master as the replica")
}
