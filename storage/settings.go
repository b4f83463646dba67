package storage

import "time"

//go:generate go run ../internal/settingsgen -python ../python/nano_graphrag_redis/_settings_spec.py -docs ../docs/configuration.md

// OptionsSchema is the one definition of every setting: its names, kind,
// default, bounds and the rules between settings. From it:
//   - Options gets its defaults and checks (resolve, prepare);
//   - the binding decodes the wire JSON into Options (DecodeOptions);
//   - `go generate ./storage` writes the Python spec
//     (python/nano_graphrag_redis/_settings_spec.py), with which _config.py
//     checks every value at construction without loading the library, and
//     the settings table of docs/configuration.md.
//
// To add a setting: add its field to Options, add its entry here, run
// `go generate ./storage`. Nothing else names it: Python, the binding and
// the docs follow (internal/settingsgen's tests prove it and fail while a
// generated file is stale). Only a new Kind or RuleKind (schema.go) needs
// code: once in Go (schema_check.go, schema_decode.go), once in _config.py.
var OptionsSchema = Schema{
	Settings: []Setting{
		{Key: "url", Field: "URL", Env: []string{"REDIS_URL", "REDIS_URI"}, Kind: KindURL,
			Default: "redis://127.0.0.1:6379",
			Doc: "`redis://[user:pass@]host:port[/db]` (a password alone: `redis://:pass@host`; `redis://name@host` names a user, as in redis-py), " +
				"`rediss://` (TLS), `unix:///path.sock?db=N`, `redis+sentinel://[user:pass@]host:port[,host:port…]/master[/db]`. " +
				"`REDIS_URI` (LightRAG's name) is an alias; `REDIS_URL` wins when both are set"},
		{Key: "username", Field: "Username", Env: []string{"REDIS_USERNAME"}, Kind: KindString,
			DefaultDoc: "from the URL", Doc: "ACL user; overrides the URL's user"},
		{Key: "password", Field: "Password", Env: []string{"REDIS_PASSWORD"}, Kind: KindSecret,
			DefaultDoc: "from the URL", Doc: "overrides the URL's password"},
		{Key: "topology", Field: "Topology", Env: []string{"REDIS_TOPOLOGY"}, Kind: KindEnum,
			Default: TopologyAuto, Choices: []string{"auto", "single", "cluster", "sentinel"},
			Doc: "`auto` runs `CLUSTER INFO` on the seed to detect a cluster; `single`, `cluster` or `sentinel` force it"},
		{Key: "cluster_addrs", Field: "ClusterAddrs", Env: []string{"REDIS_CLUSTER_NODES"}, Kind: KindAddrs,
			DefaultDoc: "none", Doc: "extra cluster seeds, `host:port,host:port` (a list in `global_config`)"},
		{Key: "tls_ca_file", Field: "TLSCAFile", Env: []string{"REDIS_TLS_CA_FILE"}, Kind: KindPath,
			DefaultDoc: "system roots", Doc: "PEM CA bundle that verifies the server (with `rediss://`)"},
		{Key: "tls_cert_file", Field: "TLSCertFile", Env: []string{"REDIS_TLS_CERT_FILE"}, Kind: KindPath,
			DefaultDoc: "none", Doc: "client certificate (PEM), for servers that require one; needs the key too"},
		{Key: "tls_key_file", Field: "TLSKeyFile", Env: []string{"REDIS_TLS_KEY_FILE"}, Kind: KindPath,
			DefaultDoc: "none", Doc: "client key (PEM)"},
		{Key: "tls_insecure_skip_verify", Field: "TLSInsecureSkipVerify", Env: []string{"REDIS_TLS_INSECURE_SKIP_VERIFY"},
			Kind: KindBool, Default: false, Doc: "skip server certificate checks (testing only)"},
		{Key: "pool_size", Field: "PoolSize", Env: []string{"REDIS_MAX_CONNECTIONS"}, Kind: KindInt,
			Default: 32, Min: 1, Max: 10000, Doc: "connections per Redis node"},
		{Key: "dial_timeout", Field: "DialTimeout", Env: []string{"REDIS_CONNECTION_TIMEOUT"}, Kind: KindSeconds,
			Default: 5 * time.Second, Min: 0.001, Max: 3600, Zero: "the default", Doc: "connect timeout"},
		{Key: "read_timeout", Field: "ReadTimeout", Env: []string{"REDIS_READ_TIMEOUT", "REDIS_SOCKET_TIMEOUT"}, Kind: KindSeconds,
			Default: 3 * time.Second, Min: 0.001, Max: 3600, Zero: "the default",
			Doc: "socket read timeout; `REDIS_SOCKET_TIMEOUT` sets both read and write timeouts"},
		{Key: "write_timeout", Field: "WriteTimeout", Env: []string{"REDIS_WRITE_TIMEOUT", "REDIS_SOCKET_TIMEOUT"}, Kind: KindSeconds,
			Default: 3 * time.Second, Min: 0.001, Max: 3600, Zero: "the default", Doc: "socket write timeout"},
		{Key: "max_retries", Field: "MaxRetries", Env: []string{"REDIS_MAX_RETRIES"}, Kind: KindInt,
			Default: 10, Min: 1, Max: 1000, Zero: "the default", Negative: "no retry",
			Doc: "retries of a failed round trip, with backoff; the default rides out a cluster failover"},
		{Key: "min_retry_backoff", Field: "MinRetryBackoff", Env: []string{"REDIS_MIN_RETRY_BACKOFF"}, Kind: KindSeconds,
			Default: 50 * time.Millisecond, Min: 0.001, Max: 60, Zero: "the default", Doc: "first retry delay"},
		{Key: "max_retry_backoff", Field: "MaxRetryBackoff", Env: []string{"REDIS_MAX_RETRY_BACKOFF"}, Kind: KindSeconds,
			Default: 500 * time.Millisecond, Min: 0.001, Max: 60, Zero: "the default", Doc: "longest retry delay"},
		{Key: "retry_on_timeout", Field: "RetryOnTimeout", Env: []string{"REDIS_RETRY_ON_TIMEOUT"}, Kind: KindBool,
			Default: false, Doc: "also retry after a timeout, whose outcome is unknown; safe for this backend's idempotent writes"},
		{Key: "operation_timeout", Field: "OperationTimeout", Env: []string{"REDIS_OPERATION_TIMEOUT"}, Kind: KindSeconds,
			DefaultDoc: "`2 × (dial_timeout + read_timeout)`", Min: 0.001, Max: 86400, Zero: "the default",
			Doc: "deadline of a whole call: connecting, PINGs, every round trip and every retry share it, so a call ends within it " +
				"(see [errors.md](errors.md#timeouts))"},
		{Key: "health_check_interval", Field: "HealthCheckInterval", Env: []string{"REDIS_HEALTH_CHECK_INTERVAL"}, Kind: KindSeconds,
			Default: 30 * time.Second, Min: 0.001, Max: 86400, Zero: "the default", Negative: "off",
			Doc: "background PING period, reported by `get_stats()`"},
		{Key: "key_prefix", Field: "KeyPrefix", Env: []string{"REDIS_KEY_PREFIX"}, Kind: KindString,
			Default: "nano_graphrag", Forbid: "{}",
			Doc: "first segment of every key (`{` and `}` are the cluster hash tag); one ACL key pattern `~prefix:*` covers everything"},
		{Key: "workspace", Field: "Workspace", Env: []string{"REDIS_WORKSPACE"}, Kind: KindString, Forbid: "{}",
			DefaultDoc: "derived from `working_dir`",
			Doc: "key segment of the index namespaces, after the prefix; the Python layer derives it from `working_dir` " +
				"and reads `none` as no segment, the keys written before workspaces existed (see below)"},
		{Key: "shared_namespaces", Field: "SharedNamespaces", Env: []string{"REDIS_SHARED_NAMESPACES"}, Kind: KindNames,
			Default: []string{"llm_response_cache"}, DefaultDoc: "`llm_response_cache`",
			Doc: "namespaces kept out of the workspace, shared by every workspace under the prefix; " +
				"comma-separated (a list in `global_config`); `none` = share nothing"},
		{Key: "ttl", Field: "TTL", Env: []string{"REDIS_TTL"}, Kind: KindTTLs,
			Default:    map[string]time.Duration{"llm_response_cache": 12 * time.Hour, "community_reports": 24 * time.Hour},
			DefaultDoc: "`llm_response_cache` 43200, `community_reports` 86400, others none",
			Min:        0.001, Max: 3153600000, Zero: "no expiry", Negative: "no expiry",
			Doc: "per-namespace expiry (see below)"},
		{Key: "compress_threshold", Field: "CompressThreshold", Env: []string{"REDIS_COMPRESS_THRESHOLD"}, Kind: KindInt,
			Default: 0, DefaultDoc: "`0` (never)", Min: 0, Max: maxMaxValueSize, Zero: "never compress",
			Doc: "values longer than this many bytes are stored zstd-compressed"},
		{Key: "max_value_size", Field: "MaxValueSize", Env: []string{"REDIS_MAX_VALUE_SIZE"}, Kind: KindInt,
			Default: 64 << 20, DefaultDoc: "64 MiB", Min: 1, Max: maxMaxValueSize, Zero: "the default",
			Doc: "bytes; a larger value rejects its whole batch, and the error names the key"},
		{Key: "batch_size", Field: "BatchSize", Env: []string{"REDIS_BATCH_SIZE"}, Kind: KindInt,
			Default: 1000, Min: 1, Max: 100000,
			Doc: "items per pipelined round trip (also at most 8 MiB of values), which bounds memory per call; get_by_ids reads at most 128 values per round trip, where Redis spends the least CPU per value"},
		{Key: "wait_replicas", Field: "WaitReplicas", Env: []string{"REDIS_WAIT_REPLICAS"}, Kind: KindInt,
			Default: 0, Min: 0, Max: 100,
			Doc: "after each upsert, `WAIT` for this many replicas (see [durability.md](durability.md)); on a cluster, per master"},
		{Key: "wait_timeout", Field: "WaitTimeout", Env: []string{"REDIS_WAIT_TIMEOUT"}, Kind: KindSeconds,
			Default: time.Second, Min: 0.001, Max: 3600, Zero: "the default", Doc: "timeout of that `WAIT`"},
		{Key: "evicting_server", Field: "EvictingServer", Env: []string{"REDIS_EVICTING_SERVER"}, Kind: KindEnum,
			Default: "warn", Choices: []string{"warn", "refuse"},
			Doc: "when a master's `maxmemory-policy` is `allkeys-*` (it can silently evict documents): `warn` logs it once at connect, `refuse` fails the connect (`nano-graphrag-redis doctor` checks it)"},
		{Key: "migration_phase", Field: "MigrationPhase", Env: []string{"REDIS_MIGRATION_PHASE"}, Kind: KindEnum,
			DefaultDoc: "none", Choices: []string{"dual-write", "verify", "read-new", "new-only"},
			Doc: "`MigratingKVStorage` only: which store reads and which ones write (see [migration.md](migration.md))"},
		{Key: "migration_old_class", Field: "MigrationOldClass", Env: []string{"REDIS_MIGRATION_OLD_CLASS"}, Kind: KindString,
			DefaultDoc: "`nano_graphrag._storage:JsonKVStorage`",
			Doc:        "`MigratingKVStorage` only: the old KV class, `package.module:Class`"},
		{Key: "sync_interruptible", Field: "SyncInterruptible", Env: []string{"REDIS_SYNC_INTERRUPTIBLE"}, Kind: KindBool,
			Default: true,
			Doc: "`SyncRedisKVStorage` only: a call on the main thread waits in 0.1 s slices, so Ctrl-C interrupts it even while Redis does not answer; " +
				"`false` saves one thread hand-off per call (tens of µs) and makes Ctrl-C wait for the call to end. Other threads never see signals and always call straight through"},
		{Key: "opentelemetry", Field: "OpenTelemetry", Env: []string{"REDIS_OPENTELEMETRY"}, Kind: KindBool,
			Default: true,
			Doc: "Python only: with the `[otel]` extra installed and a TracerProvider or MeterProvider set by the app, every storage call emits a span " +
				"and records `db.client.operation.duration` (docs/monitoring.md); `false` turns both off for this storage"},
	},
	Rules: []Rule{
		{Kind: RuleAtMost, Keys: []string{"min_retry_backoff", "max_retry_backoff"}},
		{Kind: RuleBelowWhen, Keys: []string{"wait_timeout", "read_timeout"}, When: "wait_replicas",
			Why: "WAIT blocks the reply"},
		{Kind: RuleTogether, Keys: []string{"tls_cert_file", "tls_key_file"}},
		{Kind: RuleNeedsTLS, Keys: []string{"tls_ca_file", "tls_cert_file", "tls_key_file", "tls_insecure_skip_verify"},
			Why: "a TLS option with a plain url would silently not use TLS"},
		{Kind: RuleTopology, Keys: []string{"topology", "url"}},
	},
}

const (
	maxMaxValueSize = 512 << 20 // Redis' own limit on a string
	maxBatchBytes   = 8 << 20   // values per pipeline round trip
)
