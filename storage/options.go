package storage

import (
	"reflect"
	"slices"
	"strings"
	"time"
)

// Topology selects the kind of Redis deployment.
type Topology string

const (
	TopologyAuto     Topology = "auto" // "" means auto too: ask the seed with CLUSTER INFO
	TopologySingle   Topology = "single"
	TopologyCluster  Topology = "cluster"
	TopologySentinel Topology = "sentinel"
)

// Options configures a Client. A zero field means the setting's default,
// and a nil *Options means all defaults. Each field is a setting of
// OptionsSchema (settings.go), which holds its wire key (used in error
// messages and by the binding), its default, bounds and documentation.
type Options struct {
	URL                string // redis://, rediss:// (TLS), unix:// or redis+sentinel:// (url.go)
	Username, Password string // override the URL's userinfo; the password is never shown
	Topology           Topology
	ClusterAddrs       []string // extra host:port seeds for a cluster

	TLSCAFile, TLSCertFile, TLSKeyFile string // PEM files; only with rediss://
	TLSInsecureSkipVerify              bool

	PoolSize                               int // connections per node
	DialTimeout, ReadTimeout, WriteTimeout time.Duration
	// MaxRetries: retries of a failed command or pipeline, with exponential
	// backoff between MinRetryBackoff and MaxRetryBackoff; negative = none.
	MaxRetries                       int
	MinRetryBackoff, MaxRetryBackoff time.Duration
	// RetryOnTimeout: also retry after a read/write timeout, whose outcome
	// is unknown; else return ErrTimeout. Safe either way for our writes
	// (full-value SET/ZADD are idempotent).
	RetryOnTimeout bool
	// OperationTimeout: the deadline of one whole call (binding/stores.go):
	// dials, PINGs, round trips and retries share it. 0 = the default,
	// 2 x (DialTimeout + ReadTimeout): one attempt's worst case twice over.
	OperationTimeout    time.Duration
	HealthCheckInterval time.Duration // background PING; negative = none

	KeyPrefix string // first segment of every key
	// Workspace: a key segment after the prefix that keeps the index
	// namespaces of one graph (one working_dir) apart from another's on the
	// same Redis; "" = none, the keys as before workspaces existed.
	Workspace string
	// SharedNamespaces: namespaces kept out of the workspace, shared by every
	// workspace under the prefix. nil = the default (llm_response_cache: its
	// entries depend only on the prompt); an empty non-nil slice shares none.
	SharedNamespaces []string
	// TTL: expiry per namespace, matched case-insensitively, merged over the
	// defaults; 0 or negative = no expiry. Millisecond precision.
	TTL               map[string]time.Duration
	CompressThreshold int // bytes; longer values are stored zstd-compressed behind 0xc1
	MaxValueSize      int // bytes; a larger value rejects the whole batch
	BatchSize         int // items per pipeline round trip (and at most maxBatchBytes)
	// WaitReplicas: after each upsert round trip, WAIT for this many
	// replicas on the same connection (on a cluster: per master).
	WaitReplicas int
	WaitTimeout  time.Duration
	// EvictingServer: what connecting does when a master's maxmemory-policy
	// is allkeys-*, which can silently evict documents: "warn" (log once)
	// or "refuse" (New fails). See eviction.go.
	EvictingServer string
	// MigrationPhase and MigrationOldClass are read by the Python
	// MigratingKVStorage (docs/migration.md); the Go core ignores them.
	MigrationPhase    string
	MigrationOldClass string
	// SyncInterruptible is read by the Python sync face (Ctrl-C on the main
	// thread, binding/interruptible.go); the Go core ignores it.
	SyncInterruptible bool
	// OpenTelemetry is read by the Python faces (spans and a duration
	// histogram, python/nano_graphrag_redis/_telemetry.py); the Go core ignores it.
	OpenTelemetry bool
}

// resolve returns a copy of o with defaults filled in, each value checked
// and the rules between plain values checked (prepare checks those about
// the URL once it is parsed). All of it comes from OptionsSchema.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	r.ClusterAddrs = append([]string(nil), r.ClusterAddrs...)
	r.SharedNamespaces = slices.Clone(r.SharedNamespaces) // keeps nil (default) apart from empty (none)
	v := reflect.ValueOf(&r).Elem()
	OptionsSchema.applyDefaults(v)
	if r.MaxRetries < 0 {
		r.MaxRetries = -1 // go-redis: -1 disables retries
	}
	if r.OperationTimeout == 0 {
		r.OperationTimeout = 2 * (r.DialTimeout + r.ReadTimeout)
	}
	if err := OptionsSchema.checkValues(v); err != nil {
		return r, err
	}
	return r, OptionsSchema.checkRules(v, nil)
}

// workspaceFor returns the workspace segment of the namespace's keys: ""
// for a shared namespace.
func (o *Options) workspaceFor(namespace string) string {
	if slices.Contains(o.SharedNamespaces, namespace) {
		return ""
	}
	return o.Workspace
}

// ttlFor returns the namespace's TTL (0 = no expiry).
func (o *Options) ttlFor(namespace string) time.Duration {
	return o.TTL[strings.ToLower(namespace)]
}
