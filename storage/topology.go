package storage

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
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
// go-redis defaults change between versions (CONTEXT.md §2b).
const (
	clusterStateReloadInterval = time.Second // follow a failover in ~1 s, not 60 s
	clusterMaxRedirects        = 10
	connMaxIdleTime            = 30 * time.Minute
	clientName                 = "nano-graphrag-redis"
)

// connect picks the topology in one switch and returns its client:
// sentinel URL -> failover client; explicit topology -> that client;
// auto -> CLUSTER INFO on the seed ("cluster support disabled" = single).
// The options were checked by prepare (checkTopology included) before this.
func connect(ctx context.Context, o *Options, ep endpoint, tlsCfg *tls.Config) (backend, Topology, error) {
	switch {
	case ep.sentinel:
		return redis.NewFailoverClient(failoverOptions(o, ep, tlsCfg)), TopologySentinel, nil
	case o.Topology == TopologyCluster:
		c, err := newCluster(o, ep, tlsCfg)
		return c, TopologyCluster, err
	case o.Topology == TopologySingle || ep.network == "unix":
		return redis.NewClient(nodeOptions(o, ep, ep.addrs[0], tlsCfg)), TopologySingle, nil
	}
	seed := redis.NewClient(nodeOptions(o, ep, ep.addrs[0], tlsCfg))
	err := seed.ClusterInfo(ctx).Err()
	switch {
	case err == nil:
		seed.Close()
		c, err := newCluster(o, ep, tlsCfg)
		return c, TopologyCluster, err
	case strings.Contains(err.Error(), "cluster support disabled"):
		return seed, TopologySingle, nil
	default:
		seed.Close()
		return nil, "", fmt.Errorf("storage: detecting topology on %s: %w", ep.addrs[0], err)
	}
}

// checkTopology rejects an explicit topology that the URL cannot serve.
func checkTopology(o *Options, ep endpoint) error {
	if ep.sentinel != (o.Topology == TopologySentinel) && o.Topology != TopologyAuto {
		return configError("topology", string(o.Topology), "does not match the url scheme (sentinel needs redis+sentinel://)")
	}
	if ep.network == "unix" && o.Topology == TopologyCluster {
		return configError("topology", string(o.Topology), "a unix socket url cannot be a cluster")
	}
	if o.Topology == TopologyCluster && ep.db != 0 {
		return configError("url", redactURL(o.URL), "a cluster has only database 0")
	}
	return nil
}

func newCluster(o *Options, ep endpoint, tlsCfg *tls.Config) (backend, error) {
	if ep.db != 0 {
		return nil, configError("url", redactURL(o.URL), "a cluster has only database 0")
	}
	return redis.NewClusterClient(clusterOptions(o, ep, tlsCfg)), nil
}

// clusterOptions and failoverOptions copy nodeOptions field by field (go-redis
// has one options type per client); topology_test.go checks none is missed.
func clusterOptions(o *Options, ep endpoint, tlsCfg *tls.Config) *redis.ClusterOptions {
	n := nodeOptions(o, ep, "", tlsCfg)
	return &redis.ClusterOptions{
		Addrs:                      append(append([]string(nil), ep.addrs...), o.ClusterAddrs...),
		ClientName:                 n.ClientName,
		MaxRedirects:               clusterMaxRedirects,
		ReadOnly:                   false, // reads go to masters: read-your-writes
		RouteByLatency:             false,
		RouteRandomly:              false,
		Dialer:                     n.Dialer,
		Protocol:                   n.Protocol,
		Username:                   n.Username,
		Password:                   n.Password,
		MaxRetries:                 n.MaxRetries,
		MinRetryBackoff:            n.MinRetryBackoff,
		MaxRetryBackoff:            n.MaxRetryBackoff,
		DialTimeout:                n.DialTimeout,
		DialerRetries:              n.DialerRetries,
		DialerRetryTimeout:         n.DialerRetryTimeout,
		ReadTimeout:                n.ReadTimeout,
		WriteTimeout:               n.WriteTimeout,
		ContextTimeoutEnabled:      n.ContextTimeoutEnabled,
		PoolFIFO:                   n.PoolFIFO,
		PoolSize:                   n.PoolSize,
		PoolTimeout:                n.PoolTimeout,
		MinIdleConns:               n.MinIdleConns,
		MaxIdleConns:               n.MaxIdleConns,
		MaxActiveConns:             n.MaxActiveConns,
		ConnMaxIdleTime:            n.ConnMaxIdleTime,
		ConnMaxLifetime:            n.ConnMaxLifetime,
		DisableIdentity:            n.DisableIdentity,
		MaintNotificationsConfig:   n.MaintNotificationsConfig,
		ClusterStateReloadInterval: clusterStateReloadInterval,
	}
}

func failoverOptions(o *Options, ep endpoint, tlsCfg *tls.Config) *redis.FailoverOptions {
	n := nodeOptions(o, ep, "", tlsCfg)
	return &redis.FailoverOptions{
		MasterName:            ep.masterName,
		SentinelAddrs:         ep.addrs,
		ClientName:            n.ClientName,
		Dialer:                n.Dialer,
		Protocol:              n.Protocol,
		Username:              n.Username,
		Password:              n.Password,
		DB:                    n.DB,
		MaxRetries:            n.MaxRetries,
		MinRetryBackoff:       n.MinRetryBackoff,
		MaxRetryBackoff:       n.MaxRetryBackoff,
		DialTimeout:           n.DialTimeout,
		DialerRetries:         n.DialerRetries,
		DialerRetryTimeout:    n.DialerRetryTimeout,
		ReadTimeout:           n.ReadTimeout,
		WriteTimeout:          n.WriteTimeout,
		ContextTimeoutEnabled: n.ContextTimeoutEnabled,
		PoolFIFO:              n.PoolFIFO,
		PoolSize:              n.PoolSize,
		PoolTimeout:           n.PoolTimeout,
		MinIdleConns:          n.MinIdleConns,
		MaxIdleConns:          n.MaxIdleConns,
		MaxActiveConns:        n.MaxActiveConns,
		ConnMaxIdleTime:       n.ConnMaxIdleTime,
		ConnMaxLifetime:       n.ConnMaxLifetime,
		DisableIdentity:       n.DisableIdentity,
	}
}

// nodeOptions is the single source of per-connection settings; the cluster
// and sentinel options copy from it.
func nodeOptions(o *Options, ep endpoint, addr string, tlsCfg *tls.Config) *redis.Options {
	username, password := ep.username, ep.password
	if o.Username != "" {
		username = o.Username
	}
	if o.Password != "" {
		password = o.Password
	}
	return &redis.Options{
		Network:               ep.network,
		Addr:                  addr,
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
		MaintNotificationsConfig: &maintnotifications.Config{
			Mode: maintnotifications.ModeDisabled, // RESP3 only; not used
		},
	}
}
