package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue #9, defect 4: a server that accepts and then resets (here a TLS port
// reached with redis://) failed go-redis' HELLO, which go-redis retried
// MaxRetries times inside each of its MaxRetries attempts: 44.5 s with
// max_retries 10. The PING probe makes it a dial error, retried once per
// attempt, so it fails within dial_timeout x (max_retries+1), the bound the
// options promise; with a clear hint.
func TestResetOnConnectFailsWithinTheRetryBudget(t *testing.T) {
	url := strings.Replace(mustEnv(t, "NGR_TEST_TLS_URL"), "rediss://", "redis://", 1)
	opts := &Options{URL: url, MaxRetries: 10, DialTimeout: time.Second, HealthCheckInterval: -1}
	start := time.Now()
	_, err := New(context.Background(), opts)
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.Less(t, elapsed, opts.DialTimeout*time.Duration(opts.MaxRetries+1))
	assert.ErrorContains(t, err, "use rediss://")
	assert.True(t, strings.HasPrefix(err.Error(), "storage: cannot connect to Redis at "), err.Error())
}
