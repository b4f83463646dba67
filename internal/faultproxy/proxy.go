// Package faultproxy is a TCP proxy that puts network faults between a
// client and a server: added latency per direction, a bandwidth cap, a
// black hole, connection resets. The fault tests (tests/reliability/,
// tests/test_deadlines.py) and the benchmarks at production round-trip
// times put it in front of Redis; faults change at once, also for open
// connections.
//
// The scripts run it as a process, cmd/ngr-faultproxy, driven over HTTP
// (api.go; from Python: tests/faultproxy.py). Go tests embed it: Listen,
// then Set. It is a test tool, never part of the library.
package faultproxy

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy forwards every connection accepted on its address to its upstream,
// through the current Faults. Safe for concurrent use.
type Proxy struct {
	name     string
	upstream string
	ln       net.Listener
	state    atomic.Pointer[state]
	pacers   [2]pacer // the line of each direction, shared by all connections
	stats    counters

	mu     sync.Mutex
	links  map[*link]struct{}
	closed bool
	wg     sync.WaitGroup
}

// state is the faults in force and a channel closed when they are replaced,
// which wakes the pumps that wait for a black hole to close.
type state struct {
	faults  Faults
	changed chan struct{}
}

// Stats counts what a proxy did since it started.
type Stats struct {
	Connections   int64 `json:"connections"` // accepted
	Open          int64 `json:"open"`
	BytesToServer int64 `json:"bytes_to_server"`
	BytesToClient int64 `json:"bytes_to_client"`
	Resets        int64 `json:"resets"` // connections reset by a fault or ResetConnections
}

type counters struct {
	connections, bytesToServer, bytesToClient, resets atomic.Int64
}

// upstreamDialTimeout bounds the proxy's own connect to its upstream.
const upstreamDialTimeout = 5 * time.Second

// Listen starts a proxy on listen ("127.0.0.1:0" picks a free port) that
// forwards to upstream (host:port), with no fault.
func Listen(name, listen, upstream string) (*Proxy, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	p := &Proxy{name: name, upstream: upstream, ln: ln, links: map[*link]struct{}{}}
	p.state.Store(&state{changed: make(chan struct{})})
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Name is the name the proxy was created with.
func (p *Proxy) Name() string { return p.name }

// Addr is the address clients connect to.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Upstream is the address the proxy forwards to.
func (p *Proxy) Upstream() string { return p.upstream }

// Faults returns the faults in force.
func (p *Proxy) Faults() Faults { return p.state.Load().faults }

// Set replaces the faults in force; Faults{} clears them.
func (p *Proxy) Set(f Faults) error {
	if err := f.check(); err != nil {
		return err
	}
	old := p.state.Swap(&state{faults: f, changed: make(chan struct{})})
	close(old.changed)
	return nil
}

// Stats returns the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	open := int64(len(p.links))
	p.mu.Unlock()
	return Stats{
		Connections: p.stats.connections.Load(), Open: open,
		BytesToServer: p.stats.bytesToServer.Load(), BytesToClient: p.stats.bytesToClient.Load(),
		Resets: p.stats.resets.Load(),
	}
}

// ResetConnections resets every open connection now (TCP RST to both
// sides) and returns how many it reset. New connections are not affected.
func (p *Proxy) ResetConnections() int {
	p.mu.Lock()
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		p.reset(l)
	}
	return len(links)
}

// Close stops accepting, resets every connection and waits for them to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	p.ResetConnections()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors: try again
			continue
		}
		p.stats.connections.Add(1)
		p.wg.Add(1)
		go p.serve(conn.(*net.TCPConn))
	}
}

// serve connects the accepted client to the upstream and pumps both ways
// until both are done. An upstream that cannot be reached resets the client,
// as a proxy without a backend does.
func (p *Proxy) serve(client *net.TCPConn) {
	defer p.wg.Done()
	conn, err := net.DialTimeout("tcp", p.upstream, upstreamDialTimeout)
	if err != nil {
		_ = client.SetLinger(0)
		_ = client.Close()
		return
	}
	l := &link{client: client, server: conn.(*net.TCPConn), gone: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.close(true, nil)
		return
	}
	p.links[l] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go p.pump(l, toServer, done)
	go p.pump(l, toClient, done)
	<-done
	<-done
	l.close(false, nil)
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}

func (p *Proxy) reset(l *link) {
	l.close(true, &p.stats.resets)
}

// link is one proxied connection: the client's side and the server's.
type link struct {
	client, server *net.TCPConn
	sentToServer   atomic.Int64
	gone           chan struct{} // closed with the link
	once           sync.Once
}

// close closes both sides once, with a reset (RST) if asked. A reset is
// counted before the sockets close, so whoever sees the RST also sees it in
// Stats.
func (l *link) close(reset bool, resets *atomic.Int64) {
	l.once.Do(func() {
		if reset {
			if resets != nil {
				resets.Add(1)
			}
			_ = l.client.SetLinger(0)
			_ = l.server.SetLinger(0)
		}
		_ = l.client.Close()
		_ = l.server.Close()
		close(l.gone)
	})
}
