package storage

import (
	"bytes"
	"context"
	"errors"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A server set to allkeys-lru (as the NGRAF-016 compose file was): the
// default warns once at connect, evicting_server=refuse fails the connect.
func TestEvictingServerWarnsOrRefuses(t *testing.T) {
	ctx := context.Background()
	srv := servers(t)[0]
	raw := rawClient(t, srv)
	before, err := raw.ConfigGet(ctx, "maxmemory-policy").Result()
	require.NoError(t, err)
	require.NoError(t, raw.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru").Err())
	t.Cleanup(func() { raw.ConfigSet(ctx, "maxmemory-policy", before["maxmemory-policy"]) })

	var logged bytes.Buffer
	saved := warningLog
	warningLog = log.New(&logged, "", 0)
	t.Cleanup(func() { warningLog = saved })

	newTestClient(t, srv.url, nil)
	assert.Contains(t, logged.String(), "maxmemory-policy allkeys-lru")

	_, err = New(ctx, &Options{URL: srv.url, EvictingServer: "refuse", HealthCheckInterval: -1})
	var ce *ConfigError
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, "evicting_server", ce.Option)
	assert.Contains(t, err.Error(), "allkeys-lru")

	require.NoError(t, raw.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err())
	logged.Reset()
	newTestClient(t, srv.url, func(o *Options) { o.EvictingServer = "refuse" })
	assert.Empty(t, logged.String())
}
