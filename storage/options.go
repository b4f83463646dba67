package storage

import (
	"fmt"
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

// Options configures a Client. Every field documents its unit, its default
// and what zero means. A nil *Options means all defaults. Wire names (used in
// error messages and by the binding) are given in brackets.
type Options struct {
	// URL [url]: redis://, rediss:// (TLS), unix:///path.sock?db=N, or
	// redis+sentinel://[user:pass@]host:port[,host:port...]/master[/db].
	// Default redis://127.0.0.1:6379.
	URL string
	// Username, Password [username, password] override the URL's userinfo
	// when non-empty. The password never appears in any error or Stats.
	Username, Password string
	// Topology [topology]: auto (also "") detects cluster mode on the seed;
	// an explicit value overrides detection. A sentinel URL implies sentinel.
	Topology Topology
	// ClusterAddrs [cluster_addrs]: extra host:port seeds for a cluster.
	ClusterAddrs []string
	// TLS files [tls_ca_file, tls_cert_file, tls_key_file]: PEM paths, only
	// with rediss://. Empty CA = system roots. Cert and key go together.
	TLSCAFile, TLSCertFile, TLSKeyFile string
	// TLSInsecureSkipVerify [tls_insecure_skip_verify] skips server
	// certificate verification. Only when asked; default false.
	TLSInsecureSkipVerify bool
	// PoolSize [pool_size]: connections per node. 0 = 32.
	PoolSize int
	// Timeouts [dial_timeout, read_timeout, write_timeout]. 0 = 5s, 3s, 3s.
	DialTimeout, ReadTimeout, WriteTimeout time.Duration
	// MaxRetries [max_retries]: retries of a failed command or pipeline,
	// with exponential backoff between MinRetryBackoff and MaxRetryBackoff.
	// 0 = 10 (rides out a cluster failover of ~3 s), negative = no retry.
	MaxRetries int
	// Backoffs [min_retry_backoff, max_retry_backoff]. 0 = 50ms, 500ms.
	MinRetryBackoff, MaxRetryBackoff time.Duration
	// RetryOnTimeout [retry_on_timeout]: also retry after a read/write
	// timeout, whose outcome is unknown. Default false: return ErrTimeout.
	// Safe either way for our writes (full-value SET/ZADD are idempotent).
	RetryOnTimeout bool
	// HealthCheckInterval [health_check_interval]: background PING period,
	// reported in Stats. 0 = 30s, negative = no background check.
	HealthCheckInterval time.Duration
	// KeyPrefix [key_prefix]: first segment of every key. 0 = "nano_graphrag".
	// Must not contain '{' or '}'.
	KeyPrefix string
	// TTL [ttl]: expiry per namespace, matched case-insensitively, merged over
	// the defaults llm_response_cache 12h and community_reports 24h; other
	// namespaces never expire. 0 or negative = no expiry. Millisecond precision.
	TTL map[string]time.Duration
	// CompressThreshold [compress_threshold]: values longer than this many
	// bytes are stored zstd-compressed behind the marker byte 0xc1.
	// 0 = never compress (default).
	CompressThreshold int
	// MaxValueSize [max_value_size]: bytes; a larger value rejects the whole
	// batch, naming the key. 0 = 64 MiB. At most 512 MiB (Redis' limit).
	MaxValueSize int
	// BatchSize [batch_size]: items per pipeline round trip; also at most
	// 8 MiB of values per round trip. 0 = 1000.
	BatchSize int
	// WaitReplicas [wait_replicas]: after each upsert round trip, WAIT for
	// this many replicas on the same connection (on a cluster: per master,
	// each master's share of the round trip). 0 = don't wait (default).
	WaitReplicas int
	// WaitTimeout [wait_timeout]: WAIT's timeout. 0 = 1s.
	WaitTimeout time.Duration
}

const (
	defaultURL                 = "redis://127.0.0.1:6379"
	defaultKeyPrefix           = "nano_graphrag"
	defaultPoolSize            = 32
	defaultDialTimeout         = 5 * time.Second
	defaultReadTimeout         = 3 * time.Second
	defaultWriteTimeout        = 3 * time.Second
	defaultMaxRetries          = 10
	defaultMinRetryBackoff     = 50 * time.Millisecond
	defaultMaxRetryBackoff     = 500 * time.Millisecond
	defaultHealthCheckInterval = 30 * time.Second
	defaultMaxValueSize        = 64 << 20
	maxMaxValueSize            = 512 << 20
	defaultBatchSize           = 1000
	maxBatchBytes              = 8 << 20 // per pipeline round trip
	defaultWaitTimeout         = time.Second
)

// defaultTTLs returns the TTLs of the pure-Python backend's review ticket.
func defaultTTLs() map[string]time.Duration {
	return map[string]time.Duration{
		"llm_response_cache": 12 * time.Hour,
		"community_reports":  24 * time.Hour,
	}
}

// resolve returns a copy of o with defaults filled in, validated.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	setDefault(&r.URL, defaultURL)
	setDefault(&r.KeyPrefix, defaultKeyPrefix)
	setDefault(&r.PoolSize, defaultPoolSize)
	setDefault(&r.DialTimeout, defaultDialTimeout)
	setDefault(&r.ReadTimeout, defaultReadTimeout)
	setDefault(&r.WriteTimeout, defaultWriteTimeout)
	setDefault(&r.MaxRetries, defaultMaxRetries)
	setDefault(&r.MinRetryBackoff, defaultMinRetryBackoff)
	setDefault(&r.MaxRetryBackoff, defaultMaxRetryBackoff)
	setDefault(&r.HealthCheckInterval, defaultHealthCheckInterval)
	setDefault(&r.MaxValueSize, defaultMaxValueSize)
	setDefault(&r.BatchSize, defaultBatchSize)
	setDefault(&r.WaitTimeout, defaultWaitTimeout)
	if r.Topology == "" {
		r.Topology = TopologyAuto
	}
	if r.MaxRetries < 0 {
		r.MaxRetries = -1 // go-redis: -1 disables retries
	}
	r.TTL = mergeTTLs(r.TTL)
	r.ClusterAddrs = append([]string(nil), r.ClusterAddrs...)
	return r, r.validate()
}

func setDefault[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}

// mergeTTLs lower-cases names, lays the caller's TTLs over the defaults and
// turns negative TTLs into 0 (no expiry).
func mergeTTLs(user map[string]time.Duration) map[string]time.Duration {
	m := defaultTTLs()
	for name, ttl := range user {
		m[strings.ToLower(name)] = max(ttl, 0)
	}
	return m
}

func (o *Options) validate() error {
	switch o.Topology {
	case TopologyAuto, TopologySingle, TopologyCluster, TopologySentinel:
	default:
		return configError("topology", string(o.Topology), "want auto, single, cluster or sentinel")
	}
	if strings.ContainsAny(o.KeyPrefix, "{}") {
		return configError("key_prefix", o.KeyPrefix, "must not contain '{' or '}' (reserved for the cluster hash tag)")
	}
	positive := []struct {
		name string
		val  time.Duration
	}{
		{"dial_timeout", o.DialTimeout}, {"read_timeout", o.ReadTimeout}, {"write_timeout", o.WriteTimeout},
		{"min_retry_backoff", o.MinRetryBackoff}, {"max_retry_backoff", o.MaxRetryBackoff},
		{"wait_timeout", o.WaitTimeout},
	}
	for _, p := range positive {
		if p.val < 0 {
			return configError(p.name, p.val.String(), "must not be negative")
		}
	}
	if o.MinRetryBackoff > o.MaxRetryBackoff {
		return configError("min_retry_backoff", o.MinRetryBackoff.String(), "must not exceed max_retry_backoff "+o.MaxRetryBackoff.String())
	}
	counts := []struct {
		name     string
		val, max int
	}{
		{"pool_size", o.PoolSize, 10000},
		{"batch_size", o.BatchSize, 100000},
		{"max_value_size", o.MaxValueSize, maxMaxValueSize},
		{"compress_threshold", o.CompressThreshold, maxMaxValueSize},
		{"wait_replicas", o.WaitReplicas, 100},
	}
	for _, c := range counts {
		if c.val < 0 || c.val > c.max {
			return configError(c.name, fmt.Sprint(c.val), fmt.Sprintf("must be between 0 and %d", c.max))
		}
	}
	if o.WaitReplicas > 0 && o.WaitTimeout >= o.ReadTimeout {
		return configError("wait_timeout", o.WaitTimeout.String(), "must be below read_timeout "+o.ReadTimeout.String()+" (WAIT blocks the reply)")
	}
	if (o.TLSCertFile == "") != (o.TLSKeyFile == "") {
		return configError("tls_cert_file", o.TLSCertFile, "tls_cert_file and tls_key_file must be given together")
	}
	return nil
}

// ttlFor returns the namespace's TTL (0 = no expiry).
func (o *Options) ttlFor(namespace string) time.Duration {
	return o.TTL[strings.ToLower(namespace)]
}
