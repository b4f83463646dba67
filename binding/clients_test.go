package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// unreachableURL is a loopback port nobody listens on.
func unreachableURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "redis://" + addr
}

func TestOpenStoreDoesNotConnect(t *testing.T) {
	before := liveHandles()
	h, err := openStore([]byte(fmt.Sprintf(`{"url":%q,"max_retries":-1}`, unreachableURL(t))), "ns")
	require.NoError(t, err, "open needs no server")
	assert.Equal(t, before+2, liveHandles(), "the store and its shared client")
	s, err := lookup[*store](handles, h)
	require.NoError(t, err)
	for i := 0; i < 2; i++ { // the failed connect is not cached: each call dials again
		_, err = s.run(context.Background(), opCount, nil)
		assert.Equal(t, statusConnection, statusOf(err), "%v", err)
		assert.Nil(t, s.client.connected.Load())
	}
	require.NoError(t, closeStore(h))
	_, err = s.client.get(context.Background())
	assert.ErrorIs(t, err, storage.ErrClosed)
	assert.Equal(t, before, liveHandles())
}

func TestOpenStoreReportsOptionErrorsAtOnce(t *testing.T) {
	_, err := openStore([]byte(fmt.Sprintf(`{"url":"%s/3","topology":"cluster"}`, unreachableURL(t))), "ns")
	assert.Equal(t, statusConfig, statusOf(err))
	assert.Contains(t, err.Error(), "url")
}

func TestConcurrentFirstCallsShareOneConnect(t *testing.T) {
	url := os.Getenv("NGR_TEST_REDIS_URL")
	require.NotEmpty(t, url, "run through scripts/redis/with-redis.sh or make test")
	sc := newSharedClient("", &storage.Options{URL: url})
	got := make([]*storage.Client, 16)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := sc.get(context.Background())
			assert.NoError(t, err)
			got[i] = c
		}()
	}
	wg.Wait()
	for _, c := range got {
		assert.Same(t, got[0], c)
	}
	require.NoError(t, sc.close())
}

func TestWaitingForAConnectHonoursTheCallersContext(t *testing.T) {
	sc := newSharedClient("", &storage.Options{URL: unreachableURL(t)}) // default retries: seconds
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := sc.get(ctx)
	assert.Equal(t, statusCancelled, statusOf(err))
	require.NoError(t, sc.close())
}
