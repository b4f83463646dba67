// Package storage is the Go core of nano-graphrag-redis: namespaced
// key-value stores of msgpack values on a single Redis, a Redis Cluster or a
// Sentinel-managed master, with the operations nano-graphrag's BaseKVStorage
// needs (get, get many with field projection, filter missing, upsert,
// delete, all keys, count, drop) plus Repair and Stats.
//
// Start with New (options.go, settings.go, url.go, topology.go), then Client.Namespace.
// The key layout and why it is so are in keys.go and docs/design.md; the
// Lua scripts that keep values and index consistent are in scripts.go; all
// errors are in errors.go. The C binding (binding/) wraps this package.
package storage
