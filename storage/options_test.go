package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "s3cr3t-P@ss/w?rd"

func TestConfigErrorsNameOptionAndValue(t *testing.T) {
	cases := []struct {
		opts          Options
		option, value string
	}{
		{Options{PoolSize: -1}, "pool_size", "-1"},
		{Options{BatchSize: 1_000_000}, "batch_size", "1000000"},
		{Options{MaxValueSize: -5}, "max_value_size", "-5"},
		{Options{CompressThreshold: -1}, "compress_threshold", "-1"},
		{Options{ReadTimeout: -time.Second}, "read_timeout", "-1s"},
		{Options{MinRetryBackoff: time.Second, MaxRetryBackoff: time.Millisecond}, "min_retry_backoff", "1s"},
		{Options{Topology: "ring"}, "topology", "ring"},
		{Options{KeyPrefix: "a{b}"}, "key_prefix", "a{b}"},
		{Options{Workspace: "w}"}, "workspace", "w}"},
		{Options{SharedNamespaces: []string{"llm_response_cache", ""}}, "shared_namespaces", ""},
		{Options{WaitReplicas: 1, WaitTimeout: 5 * time.Second}, "wait_timeout", "5s"},
		{Options{TLSCertFile: "c.pem"}, "tls_cert_file", "c.pem"},
		{Options{TLSCAFile: "ca.pem"}, "tls_ca_file", "ca.pem"},
		{Options{URL: "rediss://127.0.0.1:1", TLSCAFile: "/nonexistent/ca.pem"}, "tls_ca_file", "/nonexistent/ca.pem"},
		{Options{URL: "http://127.0.0.1"}, "url", "http://127.0.0.1"},
		{Options{URL: "redis://127.0.0.1:99999"}, "url", "redis://127.0.0.1:99999"},
		{Options{URL: "redis://127.0.0.1:6379/x"}, "url", "redis://127.0.0.1:6379/x"},
		{Options{URL: "redis://127.0.0.1?timeout=3"}, "url", "redis://127.0.0.1?timeout=3"},
		{Options{URL: "redis+sentinel://127.0.0.1:26379"}, "url", "redis+sentinel://127.0.0.1:26379"},
		{Options{URL: "unix://"}, "url", "unix://"},
		{Options{URL: "unix:///tmp/r.sock", Topology: TopologyCluster}, "topology", "cluster"},
		{Options{URL: "redis://user:" + secret + "@127.0.0.1:6379/notadb"}, "url", "redis://user:***@127.0.0.1:6379/notadb"},
		{Options{URL: "redis://:" + secret + "@127.0.0.1:bad"}, "url", "redis://:***@127.0.0.1:bad"},
	}
	for _, tc := range cases {
		t.Run(tc.option+"="+tc.value, func(t *testing.T) {
			_, err := New(context.Background(), &tc.opts)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.ErrorIs(t, err, ErrConfig)
			assert.Equal(t, tc.option, ce.Option)
			assert.Equal(t, tc.value, ce.Value)
			assert.Contains(t, err.Error(), tc.option)
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

func TestInvalidNamespaceIsConfigError(t *testing.T) {
	c := newTestClient(t, mustEnv(t, "NGR_TEST_REDIS_URL"), nil)
	for _, name := range []string{"", "a{b", "a}b"} {
		_, err := c.Namespace(name)
		assert.ErrorIs(t, err, ErrInvalidNamespace)
		assert.ErrorIs(t, err, ErrConfig)
	}
}

func TestPasswordNeverInErrors(t *testing.T) {
	url := mustEnv(t, "NGR_TEST_REDIS_URL")
	ctx := context.Background()
	// no such ACL user on the server: AUTH fails with WRONGPASS
	_, err := New(ctx, &Options{URL: url, Username: "ngr-nobody", Password: secret, HealthCheckInterval: -1})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	withUserinfo := "redis://ngr-nobody:" + secret + "@" + url[len("redis://"):]
	_, err = New(ctx, &Options{URL: withUserinfo, HealthCheckInterval: -1})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	// nothing listens on port 1
	_, err = New(ctx, &Options{URL: "redis://u:" + secret + "@127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	assert.False(t, errors.Is(err, ErrConfig), "unreachable is not a config error")
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		url  string
		want endpoint
	}{
		{"redis://localhost", endpoint{network: "tcp", addrs: []string{"localhost:6379"}}},
		{"redis://:pw@127.0.0.1:7000/3", endpoint{network: "tcp", addrs: []string{"127.0.0.1:7000"}, password: "pw", db: 3}},
		{"redis://app@127.0.0.1:7000", endpoint{network: "tcp", addrs: []string{"127.0.0.1:7000"}, username: "app"}},
		{"rediss://app:p%40ss@[::1]:6380/", endpoint{network: "tcp", addrs: []string{"[::1]:6380"}, username: "app", password: "p@ss", tls: true}},
		{"redis://u:" + secret + "@h:1", endpoint{network: "tcp", addrs: []string{"h:1"}, username: "u", password: secret}},
		{"unix:///run/redis.sock?db=2", endpoint{network: "unix", addrs: []string{"/run/redis.sock"}, db: 2}},
		{"redis+sentinel://u:p@s1:26379,s2:26380/mymaster/1", endpoint{
			network: "tcp", addrs: []string{"s1:26379", "s2:26380"}, username: "u", password: "p",
			sentinel: true, masterName: "mymaster", db: 1}},
	}
	for _, tc := range cases {
		got, err := parseURL(tc.url)
		require.NoError(t, err, tc.url)
		assert.Equal(t, tc.want, got, tc.url)
	}
}

func TestTTLDefaultsAndOverrides(t *testing.T) {
	o, err := (&Options{TTL: map[string]time.Duration{"TEXT_CHUNKS": time.Hour, "community_reports": -1}}).resolve()
	require.NoError(t, err)
	assert.Equal(t, 12*time.Hour, o.ttlFor("llm_response_cache"))
	assert.Equal(t, time.Hour, o.ttlFor("text_chunks"))
	assert.Zero(t, o.ttlFor("community_reports"), "negative means no expiry")
	assert.Zero(t, o.ttlFor("full_docs"))
	def, err := (*Options)(nil).resolve()
	require.NoError(t, err)
	assert.Equal(t, 24*time.Hour, def.ttlFor("Community_Reports"))
	assert.Equal(t, "nano_graphrag", def.KeyPrefix)
}

func TestValidateChecksOptionsWithoutConnecting(t *testing.T) {
	// Nothing listens on port 1: Validate must not care, New must.
	assert.NoError(t, Validate(&Options{URL: "redis://127.0.0.1:1/2"}))
	err := Validate(&Options{URL: "redis://127.0.0.1:1/2", Topology: TopologyCluster})
	assert.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "url")
	assert.ErrorIs(t, Validate(&Options{URL: "redis+sentinel://127.0.0.1:1/m", Topology: TopologySingle}), ErrConfig)
	assert.ErrorIs(t, Validate(&Options{PoolSize: -1}), ErrConfig)
	assert.ErrorIs(t, ValidateNamespace("a{b"), ErrInvalidNamespace)
	assert.NoError(t, ValidateNamespace("text_chunks"))
}
