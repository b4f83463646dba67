package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// millionDB is the single node's database holding 1M unrelated keys.
const millionDB = "9"

// millionKeysServer fills db 9 of the single node with 1M other keys
// (DEBUG POPULATE skips keys that exist, so reruns are cheap).
func millionKeysServer(t testing.TB) server {
	srv := server{"single", strings.TrimSuffix(mustEnv(t, "NGR_TEST_REDIS_URL"), "/") + "/" + millionDB}
	raw := rawClient(t, srv)
	ctx := context.Background()
	require.NoError(t, raw.Do(ctx, "DEBUG", "POPULATE", 1_000_000, "ngr_other").Err())
	size, err := raw.DBSize(ctx).Result()
	require.NoError(t, err)
	require.GreaterOrEqual(t, size, int64(1_000_000))
	return srv
}

// AllKeys, Count and Drop read the namespace's index only: exact, whatever
// the 1M other keys (BenchmarkAdminBeside1MKeys shows the cost does not grow).
func TestAdminBesideMillionOtherKeys(t *testing.T) {
	ctx := context.Background()
	srv := millionKeysServer(t)
	ns := newTestNamespace(t, newTestClient(t, srv.url, nil), "text_chunks")
	keys := ids("few", 100)
	_, err := ns.Upsert(ctx, itemsFor(t, keys, func(i int) []byte { return mp(t, i) }))
	require.NoError(t, err)

	all, err := ns.AllKeys(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, keys, all)
	count, err := ns.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 100, count)
	dropped, err := ns.Drop(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 100, dropped)
	count, err = ns.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, count)
	size, err := rawClient(t, srv).DBSize(ctx).Result()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, size, int64(1_000_000), "the other keys are untouched")
}
