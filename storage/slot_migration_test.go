package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSlotMigration (TestKV/cluster/slot_migrated_during_reads_and_writes) moves the slot of one
// bucket to another master by hand (SETSLOT IMPORTING/MIGRATING, MIGRATE
// key by key, SETSLOT NODE) while goroutines upsert and read; afterwards
// every value and the exact count must be right.
func testSlotMigration(t *testing.T, srv server) {
	ctx := context.Background()
	nodes := clusterNodes(t, strings.Split(mustEnv(t, "NGR_TEST_CLUSTER_ADDRS"), ","))

	c := newTestClient(t, srv.url, nil)
	// Not bucket 0: go-redis follows TRYAGAIN/ASK inside a cluster pipeline
	// only for the first command sent to a node, and bucket 0's script is
	// always first; bucket 63's comes after the node's other buckets.
	const bucket = 63
	name, slot := unsharedSlotNamespace(t, nodes[0].client, bucket)
	ns := newTestNamespace(t, c, name)

	// 400 ids in the migrating bucket plus 400 elsewhere, 4 writers each owning 200
	var hot, cold []string
	for i := 0; len(hot) < 400 || len(cold) < 400; i++ {
		id := fmt.Sprintf("id-%d", i)
		if bucketOf(id) == bucket && len(hot) < 400 {
			hot = append(hot, id)
		} else if bucketOf(id) != bucket && len(cold) < 400 {
			cold = append(cold, id)
		}
	}
	all := append(append([]string{}, hot...), cold...)
	value := func(id string, round int) []byte { return mp(t, []any{id, round}) }
	_, err := ns.Upsert(ctx, itemsFor(t, all, func(i int) []byte { return value(all[i], 0) }))
	require.NoError(t, err)

	var stop atomic.Bool
	var reads atomic.Int64 // completed GetMany calls
	var reading atomic.Int32
	var wg sync.WaitGroup
	lastRound := make([]int, 4)
	errs := make(chan error, 100)
	for w := 0; w < 4; w++ {
		mine := append(append([]string{}, hot[w*100:(w+1)*100]...), cold[w*100:(w+1)*100]...)
		wg.Add(2)
		go func() { // writer
			defer wg.Done()
			for round := 1; !stop.Load(); round++ {
				if _, err := ns.Upsert(ctx, itemsFor(t, mine, func(i int) []byte { return value(mine[i], round) })); err != nil {
					errs <- fmt.Errorf("upsert round %d: %w", round, err)
					return
				}
				lastRound[w] = round
			}
		}()
		reading.Add(1)
		go func() { // reader
			defer wg.Done()
			defer reading.Add(-1)
			for !stop.Load() {
				got, err := ns.GetMany(ctx, mine, nil)
				if err != nil {
					errs <- fmt.Errorf("get_many: %w", err)
					return
				}
				for i, v := range got {
					if v == nil {
						errs <- fmt.Errorf("id %s missing during migration", mine[i])
						return
					}
				}
				reads.Add(1)
			}
		}()
	}

	// After each step of the migration, wait for a read to complete, so that
	// reads (single-key, following ASK) really run at every stage of it.
	// Writes keep trying meanwhile: a bucket script touching keys on both
	// sides gets TRYAGAIN and is retried with backoff until the slot is
	// settled, so a write may only complete after the migration.
	interleave := func() {
		for target := reads.Load() + 1; reads.Load() < target && reading.Load() > 0; {
			time.Sleep(time.Millisecond)
		}
	}
	moved := migrateSlot(t, nodes, slot, interleave)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Positive(t, moved, "keys were moved while the writers ran")

	for w := 0; w < 4; w++ {
		mine := append(append([]string{}, hot[w*100:(w+1)*100]...), cold[w*100:(w+1)*100]...)
		got, err := ns.GetMany(ctx, mine, nil)
		require.NoError(t, err)
		for i, id := range mine {
			require.Equal(t, value(id, lastRound[w]), got[i], "id %s", id)
		}
	}
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, len(all), count)
	repaired, err := ns.Repair(ctx)
	require.NoError(t, err)
	assert.Zero(t, repaired)
}

type clusterNode struct {
	addr, id string
	master   bool
	client   *redis.Client
}

func clusterNodes(t *testing.T, addrs []string) []clusterNode {
	ctx := context.Background()
	var nodes []clusterNode
	for _, addr := range addrs {
		cl := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { cl.Close() })
		id, err := cl.Do(ctx, "CLUSTER", "MYID").Text()
		require.NoError(t, err)
		role, err := cl.Do(ctx, "ROLE").Slice()
		require.NoError(t, err)
		nodes = append(nodes, clusterNode{addr: addr, id: id, master: role[0] == "master", client: cl})
	}
	return nodes
}

// fixedTestNamespaces are the namespace names other tests use literally. The
// hash tag leaves the key prefix out, so every test run that uses one of them
// shares its 64 slots; moving one of those slots would stall those tests
// (TRYAGAIN for the whole migration, e.g. under the 100k-item batch).
var fixedTestNamespaces = []string{"full_docs", "text_chunks", "llm_response_cache", "community_reports",
	"short_lived", "forever", "durable", "failover"}

// unsharedSlotNamespace picks a fresh namespace whose bucket sits in a slot
// that no fixed test namespace uses, and returns it with that slot.
func unsharedSlotNamespace(t *testing.T, rdb *redis.Client, bucket int) (string, int64) {
	ctx := context.Background()
	used := map[int64]bool{}
	for _, name := range fixedTestNamespaces {
		ks := newKeyspace("p", "", name)
		for b := 0; b < numBuckets; b++ {
			slot, err := rdb.ClusterKeySlot(ctx, ks.indexKey(b)).Result()
			require.NoError(t, err)
			used[slot] = true
		}
	}
	for {
		name := "mig_" + randomHex(4)
		slot, err := rdb.ClusterKeySlot(ctx, newKeyspace("p", "", name).indexKey(bucket)).Result()
		require.NoError(t, err)
		if !used[slot] {
			return name, slot
		}
	}
}

// slotMaster returns the master that serves slot, as that master sees it.
func slotMaster(t *testing.T, nodes []clusterNode, slot int64) *clusterNode {
	t.Helper()
	ctx := context.Background()
	for i := range nodes {
		if !nodes[i].master {
			continue
		}
		//lint:ignore SA1019 CLUSTER SLOTS lists each range's master first, which is all this needs
		slots, err := nodes[i].client.ClusterSlots(ctx).Result()
		require.NoError(t, err)
		for _, s := range slots {
			if int64(s.Start) <= slot && slot <= int64(s.End) && s.Nodes[0].ID == nodes[i].id {
				return &nodes[i]
			}
		}
	}
	t.Fatalf("no master serves slot %d", slot)
	return nil
}

// migrateSlot moves slot from its master to another one, 50 keys at a time,
// calling step after each stage, and returns how many keys it moved.
func migrateSlot(t *testing.T, nodes []clusterNode, slot int64, step func()) int {
	ctx := context.Background()
	src := slotMaster(t, nodes, slot)
	var dst *clusterNode
	for i := range nodes {
		if nodes[i].master && &nodes[i] != src && dst == nil {
			dst = &nodes[i]
		}
	}
	require.NotNil(t, dst)
	require.NoError(t, dst.client.Do(ctx, "CLUSTER", "SETSLOT", slot, "IMPORTING", src.id).Err())
	require.NoError(t, src.client.Do(ctx, "CLUSTER", "SETSLOT", slot, "MIGRATING", dst.id).Err())
	step()
	host, port, _ := strings.Cut(dst.addr, ":")
	moved := 0
	for {
		keys, err := src.client.ClusterGetKeysInSlot(ctx, int(slot), 50).Result()
		require.NoError(t, err)
		if len(keys) == 0 {
			break
		}
		args := []any{"MIGRATE", host, port, "", 0, 5000, "KEYS"}
		for _, k := range keys {
			args = append(args, k)
		}
		require.NoError(t, src.client.Do(ctx, args...).Err())
		moved += len(keys)
		step()
	}
	for _, n := range append([]*clusterNode{dst, src}, mastersExcept(nodes, dst, src)...) {
		require.NoError(t, n.client.Do(ctx, "CLUSTER", "SETSLOT", slot, "NODE", dst.id).Err())
	}
	return moved
}

func mastersExcept(nodes []clusterNode, skip ...*clusterNode) []*clusterNode {
	var out []*clusterNode
	for i := range nodes {
		n := &nodes[i]
		if n.master && n != skip[0] && n != skip[1] {
			out = append(out, n)
		}
	}
	return out
}
