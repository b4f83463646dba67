package storage

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A read timeout means "outcome unknown": by default it is reported as
// ErrTimeout instead of being retried; RetryOnTimeout retries it.
func TestRetryOnTimeout(t *testing.T) {
	ctx := context.Background()
	srv := server{"single", mustEnv(t, "NGR_TEST_REDIS_URL")}
	tweak := func(retry bool) func(*Options) {
		return func(o *Options) { o.ReadTimeout, o.RetryOnTimeout, o.MaxRetries = 100*time.Millisecond, retry, 20 }
	}
	strictClient := newTestClient(t, srv.url, tweak(false))
	strict := newTestNamespace(t, strictClient, "t")
	patient := newTestNamespace(t, newTestClient(t, srv.url, func(o *Options) {
		tweak(true)(o)
		o.KeyPrefix = strictClient.opts.KeyPrefix
	}), "t")
	raw := rawClient(t, srv)

	// CLIENT PAUSE WRITE holds every write (our scripts included) for 600 ms
	// and returns at once, so the pause is in force when Upsert starts.
	pause := func() { require.NoError(t, raw.Do(ctx, "CLIENT", "PAUSE", 600, "WRITE").Err()) }

	pause()
	_, err := strict.Upsert(ctx, []Item{{"a", mp(t, 1)}})
	assert.ErrorIs(t, err, ErrTimeout)

	pause()
	_, err = patient.Upsert(ctx, []Item{{"a", mp(t, 2)}})
	assert.NoError(t, err, "retried until the server answered")
	got, err := strict.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, mp(t, 2), got)
}
