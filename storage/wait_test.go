package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WaitReplicas appends WAIT to each upsert round trip, on the connection
// that wrote. Without a replica it reports ErrNotReplicated (the data is on
// the master); with one, the upsert succeeds and the replica already holds
// the data when Upsert returns.
func TestWaitReplicas(t *testing.T) {
	ctx := context.Background()
	wait := func(o *Options) { o.WaitReplicas, o.WaitTimeout = 1, 500*time.Millisecond }

	t.Run("single_without_replica", func(t *testing.T) {
		c := newTestClient(t, mustEnv(t, "NGR_TEST_REDIS_URL"), func(o *Options) {
			o.WaitReplicas, o.WaitTimeout = 1, 50*time.Millisecond
		})
		ns := newTestNamespace(t, c, "durable")
		_, err := ns.Upsert(ctx, []Item{{"a", mp(t, 1)}})
		assert.ErrorIs(t, err, ErrNotReplicated)
		got, err := ns.Get(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, mp(t, 1), got, "the write reached the master")
	})

	t.Run("sentinel_with_replica", func(t *testing.T) {
		admin, name := sentinelAdmin(t)
		waitReplicaLinked(t, sentinelMaster(t, admin, name))
		replica := sentinelReplica(t, admin, name)
		ns := newTestNamespace(t, newTestClient(t, mustEnv(t, "NGR_TEST_SENTINEL_URL"), wait), "durable")
		items := itemsFor(t, ids("d", 2500), func(i int) []byte { return mp(t, i) }) // 3 round trips
		n, err := ns.Upsert(ctx, items)
		require.NoError(t, err)
		assert.Equal(t, len(items), n)
		for _, i := range []int{0, 1234, 2499} {
			got, err := replica.Get(ctx, ns.keys.valueKey(items[i].ID)).Bytes()
			require.NoError(t, err, "on the replica as soon as Upsert returned")
			assert.Equal(t, items[i].Value, got)
		}
		count, err := replica.ZCard(ctx, ns.keys.indexKey(bucketOf(items[0].ID))).Result()
		require.NoError(t, err)
		assert.Positive(t, count, "the index travelled with the values")
	})

	t.Run("cluster_with_replicas", func(t *testing.T) {
		for _, n := range clusterNodes(t, strings.Split(mustEnv(t, "NGR_TEST_CLUSTER_ADDRS"), ",")) {
			if n.master {
				waitReplicaLinked(t, n.addr)
			}
		}
		ns := newTestNamespace(t, newTestClient(t, mustEnv(t, "NGR_TEST_CLUSTER_URL"), wait), "durable")
		items := itemsFor(t, ids("d", 2500), func(i int) []byte { return mp(t, i) }) // 3 round trips, all masters
		n, err := ns.Upsert(ctx, items)
		require.NoError(t, err)
		assert.Equal(t, len(items), n)

		// READONLY connections to the replicas: every value is already there
		replicas := redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: strings.Split(mustEnv(t, "NGR_TEST_CLUSTER_ADDRS"), ","), ReadOnly: true,
		})
		defer replicas.Close()
		seen := map[string]bool{}
		for _, it := range items {
			key := ns.keys.valueKey(it.ID)
			replica, err := replicas.SlaveForKey(ctx, key)
			require.NoError(t, err)
			if !seen[replica.String()] {
				role, err := replica.Do(ctx, "ROLE").Slice()
				require.NoError(t, err)
				require.Equal(t, "slave", role[0], "read from a replica, not a master")
				seen[replica.String()] = true
			}
			got, err := replica.Get(ctx, key).Bytes()
			require.NoErrorf(t, err, "id %s is on its replica as soon as Upsert returned", it.ID)
			require.Equal(t, it.Value, got)
		}
		assert.Len(t, seen, 3, "the namespace spans the three masters, so all three replicas were read")
	})
}

func TestPanicInAMasterGoroutineIsAnError(t *testing.T) {
	c := &Client{}
	_, _, err := c.sendToMasters(context.Background(), []masterGroup{{}}) // nil master: panics in its goroutine
	assert.ErrorContains(t, err, "recovered panic")
}
