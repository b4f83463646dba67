package storage

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// reindex lists again every value of the namespace that its bucket index
// does not list: the repair for an index deleted or emptied behind our back,
// which otherwise leaves ids readable but invisible to Count and AllKeys.
// Unlike the rest of Repair it walks the keyspace (SCAN on every master, by
// pattern), so its cost is O(database); Repair is a rare, explicit act.
func (n *Namespace) reindex(ctx context.Context) (int64, error) {
	found, err := n.scanValueKeys(ctx)
	if err != nil {
		return 0, err
	}
	return n.scriptPerID(ctx, "repair", reindexScript, "", func(b int) []string { return found[b] })
}

// scanValueKeys returns the ids of every value key of the namespace, per
// bucket, from a SCAN of every master.
func (n *Namespace) scanValueKeys(ctx context.Context) (map[int][]string, error) {
	prefix := strings.TrimSuffix(n.keys.bucketPrefix[0], "0}:") // "P:[W:]{ns:"
	pattern := globEscape(prefix) + "*}:v:*"
	var mu sync.Mutex
	found := map[int][]string{}
	scan := func(ctx context.Context, node *redis.Client) error {
		iter := node.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			if b, id, ok := n.parseValueKey(prefix, iter.Val()); ok {
				mu.Lock()
				found[b] = append(found[b], id)
				mu.Unlock()
			}
		}
		return iter.Err()
	}
	var err error
	switch rdb := n.c.rdb.(type) {
	case *redis.ClusterClient:
		err = rdb.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, rdb)
	}
	return found, wrapRedis("repair", err)
}

// parseValueKey splits prefix + "b}:v:" + id, refusing keys of another
// namespace that the pattern also matches (a name that extends this one).
func (n *Namespace) parseValueKey(prefix, key string) (bucket int, id string, ok bool) {
	tag, rest, ok := strings.Cut(strings.TrimPrefix(key, prefix), "}:v:")
	if !ok {
		return 0, "", false
	}
	b, err := strconv.Atoi(tag)
	if err != nil || b < 0 || b >= numBuckets || n.keys.valueKeyIn(b, rest) != key {
		return 0, "", false
	}
	return b, rest, true
}

// globEscape quotes the characters SCAN MATCH treats as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
