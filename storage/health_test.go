package storage

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

func TestHealthAndStatsEncoding(t *testing.T) {
	ctx := context.Background()
	c := newTestClient(t, mustEnv(t, "NGR_TEST_REDIS_URL"), func(o *Options) {
		o.HealthCheckInterval = 20 * time.Millisecond
		o.Password = secret // accepted by the nopass default user; must never show up in Stats
	})
	ns := newTestNamespace(t, c, "llm_response_cache")
	require.Eventually(t, func() bool {
		st, err := ns.Stats(ctx)
		return err == nil && st.Health.LastCheckUnixMs > 0
	}, 5*time.Second, 10*time.Millisecond)
	st, err := ns.Stats(ctx)
	require.NoError(t, err)
	assert.True(t, st.Health.OK)
	assert.Empty(t, st.Health.LastError)
	assert.Equal(t, 12*3600.0, st.TTLSeconds)
	assert.Equal(t, layoutVersion, st.LayoutVersion)

	encoded, err := msgpack.Marshal(st)
	require.NoError(t, err)
	assert.NotContains(t, string(encoded), "s3cr3t")
	var m map[string]any
	require.NoError(t, msgpack.Unmarshal(encoded, &m))
	for _, key := range []string{"namespace", "topology", "keys", "ttl_seconds", "buckets", "layout_version", "key_prefix", "pool", "ops", "health"} {
		assert.Contains(t, m, key)
	}
	assert.Contains(t, m["pool"], "total_conns")
	assert.Contains(t, m["ops"], "items_written")
	assert.Contains(t, m["health"], "last_check_unix_ms")
}
