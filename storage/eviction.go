package storage

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// An allkeys-* maxmemory-policy lets Redis evict any key when memory is
// full: documents and chunks vanish silently. LightRAG refuses such a
// server; here Options.EvictingServer chooses between a warning logged once
// per client at connect (default) and refusing to connect.

// warningLog is where that warning goes: the host process's stderr.
var warningLog = log.New(os.Stderr, "nano-graphrag-redis: ", log.LstdFlags)

// checkEviction returns an error when a master evicts any key and opts say
// refuse, and logs a warning when they say warn. A policy the ACL hides
// (CONFIG and INFO denied) is not reported.
func checkEviction(ctx context.Context, rdb backend, o *Options, addr string) error {
	policy := evictingPolicy(ctx, rdb)
	if policy == "" {
		return nil
	}
	why := fmt.Sprintf("the server at %s has maxmemory-policy %s, which can silently evict documents when memory is full; "+
		"set it to noeviction (or volatile-lru) - nano-graphrag-redis doctor checks it", addr, policy)
	if o.EvictingServer == "refuse" {
		return configError("evicting_server", "refuse", why)
	}
	warningLog.Print("WARNING: " + why)
	return nil
}

// evictingPolicy returns the first allkeys-* policy among the masters, or "".
func evictingPolicy(ctx context.Context, rdb backend) string {
	var mu sync.Mutex
	found := ""
	check := func(ctx context.Context, c *redis.Client) error {
		if p := policyOf(ctx, c); strings.HasPrefix(p, "allkeys-") {
			mu.Lock()
			found = p
			mu.Unlock()
		}
		return nil
	}
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		_ = c.ForEachMaster(ctx, check)
	case *redis.Client:
		_ = check(ctx, c)
	}
	return found
}

func policyOf(ctx context.Context, c *redis.Client) string {
	if m, err := c.ConfigGet(ctx, "maxmemory-policy").Result(); err == nil {
		return m["maxmemory-policy"]
	}
	info, err := c.Info(ctx, "memory").Result()
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "maxmemory_policy:"); ok {
			return v
		}
	}
	return ""
}
