package storage

import (
	"hash/crc32"
	"strconv"
	"strings"
)

// Key layout, version 1 (docs/design.md):
//
//	value: P[:W]:{ns:b}:v:<id>   index (sorted set of ids, score = expiry ms or +inf): P[:W]:{ns:b}:i
//
// P is the key prefix, W the workspace (absent for a shared namespace or
// without a workspace), b = crc32(id) % numBuckets. The hash tag {ns:b} puts a bucket in one slot,
// so a bucket's value keys and index can change together in one Lua script,
// while the 64 buckets of a namespace spread over every cluster master.
const (
	layoutVersion = 1
	numBuckets    = 64
)

// keyspace builds the keys of one namespace.
type keyspace struct {
	bucketPrefix [numBuckets]string // "P:{ns:b}:"
}

// newKeyspace lays out one namespace; workspace "" leaves the segment out,
// which is the layout of every key written before workspaces existed.
func newKeyspace(prefix, workspace, namespace string) *keyspace {
	ks := &keyspace{}
	base := prefix + ":"
	if workspace != "" {
		base += workspace + ":"
	}
	for b := range ks.bucketPrefix {
		ks.bucketPrefix[b] = base + "{" + namespace + ":" + strconv.Itoa(b) + "}:"
	}
	return ks
}

func bucketOf(id string) int {
	return int(crc32.ChecksumIEEE([]byte(id)) % numBuckets)
}

func (ks *keyspace) valueKey(id string) string {
	return ks.bucketPrefix[bucketOf(id)] + "v:" + id
}

func (ks *keyspace) valueKeyIn(bucket int, id string) string {
	return ks.bucketPrefix[bucket] + "v:" + id
}

func (ks *keyspace) indexKey(bucket int) string {
	return ks.bucketPrefix[bucket] + "i"
}

// validNamespace rejects names that would break the hash tag.
func validNamespace(name string) error {
	if name == "" || strings.ContainsAny(name, "{}") {
		return &ConfigError{Option: "namespace", Value: name, Reason: "must be non-empty without '{' or '}'", cause: ErrInvalidNamespace}
	}
	return nil
}

// groupByBucket returns, per bucket, the positions of ids in input order.
func groupByBucket(n int, idAt func(int) string) [numBuckets][]int {
	var groups [numBuckets][]int
	for i := 0; i < n; i++ {
		b := bucketOf(idAt(i))
		groups[b] = append(groups[b], i)
	}
	return groups
}
