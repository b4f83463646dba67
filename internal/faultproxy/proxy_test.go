package faultproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upstream is a server that echoes (or only records) what it receives.
type upstream struct {
	ln   net.Listener
	echo bool
	mu   sync.Mutex
	got  bytes.Buffer
	eofs int
}

func newUpstream(t *testing.T, echo bool) *upstream {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	u := &upstream{ln: ln, echo: echo}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go u.serve(c)
		}
	}()
	return u
}

func (u *upstream) serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		u.mu.Lock()
		u.got.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			u.eofs++
		}
		u.mu.Unlock()
		if n > 0 && u.echo {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) && u.echo {
				_, _ = c.Write([]byte("bye")) // a reply after the client's half close
			}
			return
		}
	}
}

func (u *upstream) received() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.got.Len()
}

func newProxy(t *testing.T, u *upstream) *Proxy {
	p, err := Listen("test", "127.0.0.1:0", u.ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

func dial(t *testing.T, p *Proxy) *net.TCPConn {
	c, err := net.Dial("tcp", p.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

// roundTrip writes msg and reads its echo, returning how long it took.
func roundTrip(t *testing.T, c net.Conn, msg string) time.Duration {
	start := time.Now()
	_, err := c.Write([]byte(msg))
	require.NoError(t, err)
	got := make([]byte, len(msg))
	_, err = io.ReadFull(c, got)
	require.NoError(t, err)
	assert.Equal(t, msg, string(got))
	return time.Since(start)
}

func TestForwardsBothWaysAndHalfCloses(t *testing.T) {
	p := newProxy(t, newUpstream(t, true))
	c := dial(t, p)
	roundTrip(t, c, "hello")
	require.NoError(t, c.CloseWrite())
	rest, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, "bye", string(rest), "the server saw EOF and could still answer")
	assert.Eventually(t, func() bool { return p.Stats().Open == 0 }, 5*time.Second, 10*time.Millisecond)
	st := p.Stats()
	assert.EqualValues(t, 1, st.Connections)
	assert.EqualValues(t, 5, st.BytesToServer)
	assert.EqualValues(t, 8, st.BytesToClient)
}

// Latency is added in each direction: a round trip takes at least twice it
// (a lower bound: the proxy may be later, never earlier).
func TestLatencyDelaysEachDirection(t *testing.T) {
	p := newProxy(t, newUpstream(t, true))
	c := dial(t, p)
	roundTrip(t, c, "warm")
	for _, ms := range []float64{0.125, 20} {
		require.NoError(t, p.Set(Faults{LatencyMs: ms}))
		for range 5 {
			assert.GreaterOrEqual(t, roundTrip(t, c, "ping"), time.Duration(2*ms*float64(time.Millisecond)))
		}
	}
	require.NoError(t, p.Set(Faults{}))
	roundTrip(t, c, "cleared")
}

// A black hole takes connections and bytes and forwards nothing; closing it
// delivers what it held, in order.
func TestBlackholeHoldsThenDelivers(t *testing.T) {
	u := newUpstream(t, true)
	p := newProxy(t, u)
	old := dial(t, p)
	roundTrip(t, old, "before")
	require.NoError(t, p.Set(Faults{Blackhole: true}))
	fresh := dial(t, p) // accepted while the hole is open
	for _, c := range []net.Conn{old, fresh} {
		_, err := c.Write([]byte("held"))
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(200*time.Millisecond)))
		_, err = c.Read(make([]byte, 4))
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout(), "nothing comes back through a black hole")
	}
	assert.Equal(t, len("before"), u.received(), "nothing reached the server")
	require.NoError(t, p.Set(Faults{}))
	for _, c := range []net.Conn{old, fresh} {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		got := make([]byte, 4)
		_, err := io.ReadFull(c, got)
		require.NoError(t, err)
		assert.Equal(t, "held", string(got))
	}
}

// ResetAfterBytes lets exactly that many bytes through, then resets the
// connection; the next connection counts from zero.
func TestResetAfterBytes(t *testing.T) {
	u := newUpstream(t, false)
	p := newProxy(t, u)
	require.NoError(t, p.Set(Faults{ResetAfterBytes: 100}))
	c := dial(t, p)
	_, err := c.Write(bytes.Repeat([]byte("x"), 300))
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	assert.Eventually(t, func() bool { return u.received() == 100 }, 5*time.Second, 10*time.Millisecond)
	assert.EqualValues(t, 1, p.Stats().Resets)

	c2 := dial(t, p)
	_, err = c2.Write(bytes.Repeat([]byte("y"), 60))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return u.received() == 160 }, 5*time.Second, 10*time.Millisecond)
}

func TestResetConnections(t *testing.T) {
	p := newProxy(t, newUpstream(t, true))
	c := dial(t, p)
	roundTrip(t, c, "hi")
	assert.Equal(t, 1, p.ResetConnections())
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	roundTrip(t, dial(t, p), "a new connection works")
}

// The rate cap is a lower bound on transfer time: 64 KiB at 256 KiB/s take
// at least 0.25 s (minus the first piece, which leaves at once).
func TestRateCap(t *testing.T) {
	u := newUpstream(t, false)
	p := newProxy(t, u)
	require.NoError(t, p.Set(Faults{RateBytesPerS: 256 << 10}))
	c := dial(t, p)
	start := time.Now()
	_, err := c.Write(bytes.Repeat([]byte("z"), 64<<10))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return u.received() == 64<<10 }, 10*time.Second, 5*time.Millisecond)
	assert.GreaterOrEqual(t, time.Since(start), 3*(64<<10)*time.Second/(4*(256<<10)))
}

func TestFaultsAreChecked(t *testing.T) {
	p := newProxy(t, newUpstream(t, true))
	assert.Error(t, p.Set(Faults{LatencyMs: -1}))
	assert.Error(t, p.Set(Faults{RateBytesPerS: -5}))
	assert.Error(t, p.Set(Faults{ResetAfterBytes: -1}))
}

func TestAPI(t *testing.T) {
	u := newUpstream(t, true)
	s := NewServer()
	t.Cleanup(s.Close)
	api := httptest.NewServer(s.Handler())
	t.Cleanup(api.Close)
	call := func(method, path, body string) (int, map[string]any) {
		req, err := http.NewRequest(method, api.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, created := call("POST", "/proxies", `{"name":"n1","listen":"127.0.0.1:0","upstream":"`+u.ln.Addr().String()+`"}`)
	require.Equal(t, http.StatusCreated, status, created)
	status, _ = call("POST", "/proxies", `{"name":"n1","listen":"127.0.0.1:0","upstream":"x:1"}`)
	assert.Equal(t, http.StatusConflict, status)

	status, out := call("PUT", "/proxies/n1/faults", `{"latency_ms":0.5,"blackhole":true}`)
	require.Equal(t, http.StatusOK, status, out)
	assert.Equal(t, map[string]any{"latency_ms": 0.5, "blackhole": true}, out["faults"])
	status, out = call("PUT", "/proxies/n1/faults", `{"latency":5}`)
	assert.Equal(t, http.StatusBadRequest, status, "a misspelt fault is refused: %v", out)
	status, _ = call("PUT", "/proxies/n1/faults", `{"latency_ms":-3}`)
	assert.Equal(t, http.StatusBadRequest, status)

	status, out = call("POST", "/reset", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []any{"n1"}, out["cleared"])
	c, err := net.Dial("tcp", created["listen"].(string))
	require.NoError(t, err)
	defer c.Close()
	roundTrip(t, c, "through the API's proxy")

	status, out = call("GET", "/proxies/n1", "")
	require.Equal(t, http.StatusOK, status)
	assert.EqualValues(t, 1, out["stats"].(map[string]any)["connections"])
	status, _ = call("POST", "/proxies/n1/reset", "")
	assert.Equal(t, http.StatusOK, status)
	status, _ = call("DELETE", "/proxies/n1", "")
	assert.Equal(t, http.StatusNoContent, status)
	status, _ = call("GET", "/proxies/n1", "")
	assert.Equal(t, http.StatusNotFound, status)
}
