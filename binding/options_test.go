package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

func TestParseOptionsMapsEveryKey(t *testing.T) {
	o, _, err := parseOptions([]byte(`{"url":"redis://h:1","password":"pw","topology":"cluster",
		"cluster_addrs":["a:1","b:2"],"pool_size":7,"dial_timeout":1.5,"read_timeout":0.25,
		"max_retries":-1,"retry_on_timeout":true,"key_prefix":"p","ttl":{"llm_response_cache":60},
		"compress_threshold":4096,"max_value_size":100,"batch_size":50,"wait_replicas":1,"wait_timeout":0.5}`))
	require.NoError(t, err)
	assert.Equal(t, "redis://h:1", o.URL)
	assert.Equal(t, storage.Topology("cluster"), o.Topology)
	assert.Equal(t, []string{"a:1", "b:2"}, o.ClusterAddrs)
	assert.Equal(t, 7, o.PoolSize)
	assert.Equal(t, 1500*time.Millisecond, o.DialTimeout)
	assert.Equal(t, 250*time.Millisecond, o.ReadTimeout)
	assert.Equal(t, -1, o.MaxRetries)
	assert.True(t, o.RetryOnTimeout)
	assert.Equal(t, map[string]time.Duration{"llm_response_cache": time.Minute}, o.TTL)
	assert.Equal(t, 500*time.Millisecond, o.WaitTimeout)
	assert.Equal(t, []string{"pw"}, o.Secrets())
}

func TestParseOptionsCanonicalFormIgnoresKeyOrderAndSpacing(t *testing.T) {
	_, a, err := parseOptions([]byte(`{"url":"redis://h:1", "pool_size": 3}`))
	require.NoError(t, err)
	_, b, err := parseOptions([]byte(`{"pool_size":3,"url":"redis://h:1"}`))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	_, c, err := parseOptions([]byte(`{"pool_size":4,"url":"redis://h:1"}`))
	require.NoError(t, err)
	assert.NotEqual(t, a, c)
}

func TestParseOptionsErrorsNameTheKeyNotTheValue(t *testing.T) {
	for input, key := range map[string]string{
		`{"pool_sise":3}`:            `"pool_sise"`,
		`{"pool_size":"many"}`:       `"pool_size"`,
		`{"pool_size":20000}`:        `"pool_size"`,
		`{"pool_size":1.5}`:          `"pool_size"`,
		`{"password":12345}`:         `"password"`,
		`{"ttl":{"x":"forever"}}`:    `"ttl`,
		`{"dial_timeout":"1s"}`:      `"dial_timeout"`,
		`{"dial_timeout":1e300}`:     `"dial_timeout"`,
		`{"dial_timeout":1e-12}`:     `"dial_timeout"`,
		`{"url":"redis://h:1"} junk`: `trailing data`,
	} {
		_, _, err := parseOptions([]byte(input))
		require.Error(t, err, input)
		assert.ErrorIs(t, err, storage.ErrConfig, input)
		assert.Contains(t, err.Error(), key, input)
		assert.Equal(t, statusConfig, statusOf(err), input)
	}
	_, _, err := parseOptions([]byte(`{"password":["s3cret"]}`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestSecretsAreRedactedRawAndDecoded(t *testing.T) {
	o := &storage.Options{URL: "redis://user:p%40ss@h:1/0"}
	assert.Equal(t, "bad *** and ***", redact("bad p%40ss and p@ss", o.Secrets()))
}
