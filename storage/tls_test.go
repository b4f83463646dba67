package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTLS(t *testing.T) {
	ctx := context.Background()
	url, ca := mustEnv(t, "NGR_TEST_TLS_URL"), mustEnv(t, "NGR_TEST_TLS_CA")

	c := newTestClient(t, url, func(o *Options) { o.TLSCAFile = ca })
	ns := newTestNamespace(t, c, "full_docs")
	_, err := ns.Upsert(ctx, []Item{{"a", mp(t, "over tls")}})
	require.NoError(t, err)
	got, err := ns.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, mp(t, "over tls"), got)

	// without the CA the self-signed server certificate is refused
	_, err = New(ctx, &Options{URL: url, MaxRetries: -1, HealthCheckInterval: -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")

	// skipping verification works, but only when asked
	insecure := newTestClient(t, url, func(o *Options) { o.TLSInsecureSkipVerify = true })
	_, err = insecure.rdb.Ping(ctx).Result()
	require.NoError(t, err)

	// a plain client cannot talk to the TLS port
	_, err = New(ctx, &Options{URL: "redis://" + url[len("rediss://"):], MaxRetries: -1, ReadTimeout: 500e6, HealthCheckInterval: -1})
	assert.Error(t, err)
}
