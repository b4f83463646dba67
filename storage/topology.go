package storage

import (
	"context"
	"crypto/tls"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// backend is what every topology gives us: commands, pipelines (grouped per
// node and run in parallel by the cluster client), pool stats and Close.
// go-redis' own UniversalClient is wider than we need.
type backend interface {
	redis.Cmdable
	Pipeline() redis.Pipeliner
	PoolStats() *redis.PoolStats
	Close() error
}

var (
	_ backend = (*redis.Client)(nil) // single node and sentinel (NewFailoverClient)
	_ backend = (*redis.ClusterClient)(nil)
)

// Tuned go-redis settings that are not user options. Set explicitly because
// go-redis defaults change between versions (v9.22 reloads the cluster slot
// map every 60 s, docs/design.md "Topologies").
const (
	clusterStateReloadInterval = time.Second // follow a failover in ~1 s, not 60 s
	clusterMaxRedirects        = 10
	connMaxIdleTime            = 30 * time.Minute
	clientName                 = "nano-graphrag-redis"
)

// connect picks the topology in one switch and returns its client:
// sentinel URL -> failover client; explicit topology -> that client;
// auto -> CLUSTER INFO on the seed (the reply "ERR This instance has cluster
// support disabled" = single).
// The options were checked by prepare (RuleTopology included) before this.
func connect(ctx context.Context, o *Options, ep endpoint, tlsCfg *tls.Config) (backend, Topology, error) {
	switch {
	case ep.sentinel:
		return redis.NewFailoverClient(failoverOptions(o, ep, tlsCfg)), TopologySentinel, nil
	case o.Topology == TopologyCluster:
		c, err := newCluster(o, ep, tlsCfg)
		return c, TopologyCluster, err
	case o.Topology == TopologySingle || ep.network == "unix":
		return redis.NewClient(nodeOptions(o, ep, tlsCfg)), TopologySingle, nil
	}
	seed := redis.NewClient(nodeOptions(o, ep, tlsCfg))
	err := seed.ClusterInfo(ctx).Err()
	switch {
	case err == nil:
		seed.Close()
		c, err := newCluster(o, ep, tlsCfg)
		return c, TopologyCluster, err
	case redis.HasErrorPrefix(err, "This instance has cluster support disabled"):
		return seed, TopologySingle, nil
	default:
		seed.Close()
		return nil, "", firstCommandError(o, ep, err)
	}
}

// checkTopology rejects an explicit topology that the URL cannot serve
// (RuleTopology; _config.py has the same checks).
func checkTopology(topology Topology, rawURL string, ep endpoint) error {
	if ep.sentinel != (topology == TopologySentinel) && topology != TopologyAuto {
		return configError("topology", string(topology), "does not match the url scheme (sentinel needs redis+sentinel://)")
	}
	if ep.network == "unix" && topology == TopologyCluster {
		return configError("topology", string(topology), "a unix socket url cannot be a cluster")
	}
	if topology == TopologyCluster && ep.db != 0 {
		return configError("url", redactURL(rawURL), "a cluster has only database 0")
	}
	return nil
}

func newCluster(o *Options, ep endpoint, tlsCfg *tls.Config) (backend, error) {
	if ep.db != 0 {
		return nil, configError("url", redactURL(o.URL), "a cluster has only database 0")
	}
	return redis.NewClusterClient(clusterOptions(o, ep, tlsCfg)), nil
}

// universalOptions is the one place per-connection settings are set;
// go-redis' own Simple/Cluster/Failover copy them into each client's
// options type (topology_test.go checks that none is dropped).
func universalOptions(o *Options, ep endpoint, tlsCfg *tls.Config) *redis.UniversalOptions {
	username, password := ep.username, ep.password
	if o.Username != "" {
		username = o.Username
	}
	if o.Password != "" {
		password = o.Password
	}
	return &redis.UniversalOptions{
		Addrs:                 ep.addrs,
		MasterName:            ep.masterName,
		ClientName:            clientName,
		Dialer:                newDialer(o, tlsCfg), // does TLS itself, so TLSConfig stays nil
		Protocol:              2,                    // RESP2: plain replies, no HELLO needed
		Username:              username,
		Password:              password,
		DB:                    ep.db,
		MaxRetries:            o.MaxRetries,
		MinRetryBackoff:       o.MinRetryBackoff,
		MaxRetryBackoff:       o.MaxRetryBackoff,
		DialTimeout:           o.DialTimeout,
		DialerRetries:         1, // one dial per attempt: MaxRetries with backoff is the retry policy
		DialerRetryTimeout:    o.MinRetryBackoff,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		ContextTimeoutEnabled: true, // a caller's deadline bounds every call
		PoolFIFO:              false,
		PoolSize:              o.PoolSize,
		PoolTimeout:           o.ReadTimeout + time.Second,
		MinIdleConns:          0,
		MaxIdleConns:          o.PoolSize,
		MaxActiveConns:        o.PoolSize,
		ConnMaxIdleTime:       connMaxIdleTime,
		ConnMaxLifetime:       0,    // keep connections until idle or broken
		DisableIdentity:       true, // no CLIENT SETINFO: works under a -@dangerous ACL
		MaxRedirects:          clusterMaxRedirects,
		ReadOnly:              false, // reads go to masters: read-your-writes
		RouteByLatency:        false,
		RouteRandomly:         false,
		MaintNotificationsConfig: &maintnotifications.Config{
			Mode: maintnotifications.ModeDisabled, // RESP3 only; not used
		},
	}
}

// nodeOptions are the options of a single-node client (and of the seed
// that detects the topology).
func nodeOptions(o *Options, ep endpoint, tlsCfg *tls.Config) *redis.Options {
	n := universalOptions(o, ep, tlsCfg).Simple()
	n.Network = ep.network // unix sockets: UniversalOptions has no network
	return n
}

func clusterOptions(o *Options, ep endpoint, tlsCfg *tls.Config) *redis.ClusterOptions {
	c := universalOptions(o, ep, tlsCfg).Cluster()
	c.Addrs = append(append([]string(nil), ep.addrs...), o.ClusterAddrs...)
	c.ClusterStateReloadInterval = clusterStateReloadInterval
	return c
}

func failoverOptions(o *Options, ep endpoint, tlsCfg *tls.Config) *redis.FailoverOptions {
	return universalOptions(o, ep, tlsCfg).Failover()
}
