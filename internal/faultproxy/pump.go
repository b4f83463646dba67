package faultproxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// direction is one way through a link.
type direction int

const (
	toServer direction = iota
	toClient
)

// chunk is bytes read from one side, due on the other at a time set by the
// latency in force when they arrived.
type chunk struct {
	data []byte
	due  time.Time
}

const (
	readSize  = 32 << 10
	queued    = 64       // chunks held per direction; then reading stops and TCP pushes back
	pacePiece = 16 << 10 // bytes written at a time under a rate cap, for a smooth rate
)

var errLinkGone = errors.New("faultproxy: link closed")

// pump moves bytes one way: a reader stamps each chunk with its due time, a
// writer delivers it then, through the faults in force at that moment. The
// end of the source (EOF) is passed on as a half close once everything read
// was delivered; any error resets the whole link.
func (p *Proxy) pump(l *link, dir direction, done chan<- struct{}) {
	defer func() { done <- struct{}{} }()
	src, dst := l.client, l.server
	if dir == toClient {
		src, dst = l.server, l.client
	}
	chunks := make(chan chunk, queued)
	readErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, readSize)
			n, err := src.Read(buf)
			if n > 0 {
				chunks <- chunk{data: buf[:n], due: time.Now().Add(p.Faults().latency())}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	for c := range chunks {
		if err := p.deliver(l, dir, dst, c); err != nil {
			p.reset(l)
			for range chunks { // the reader ends now that the link is closed
			}
			return
		}
	}
	if err := <-readErr; errors.Is(err, io.EOF) {
		_ = dst.CloseWrite()
		return
	}
	p.reset(l)
}

// deliver writes one chunk at its due time, once no black hole holds it,
// paced by the rate cap, and resets the link where ResetAfterBytes says.
func (p *Proxy) deliver(l *link, dir direction, dst *net.TCPConn, c chunk) error {
	sleepUntil(c.due)
	f, err := p.waitOpen(l)
	if err != nil {
		return err
	}
	data := c.data
	if dir == toServer && f.ResetAfterBytes > 0 {
		room := max(f.ResetAfterBytes-l.sentToServer.Load(), 0)
		if int64(len(data)) >= room {
			if room > 0 {
				_ = p.write(l, dir, dst, data[:room], f)
			}
			p.reset(l)
			return errLinkGone
		}
	}
	return p.write(l, dir, dst, data, f)
}

// waitOpen returns the faults in force once no black hole is among them.
func (p *Proxy) waitOpen(l *link) (Faults, error) {
	for {
		st := p.state.Load()
		if !st.faults.Blackhole {
			return st.faults, nil
		}
		select {
		case <-st.changed:
		case <-l.gone:
			return Faults{}, errLinkGone
		}
	}
}

func (p *Proxy) write(l *link, dir direction, dst *net.TCPConn, data []byte, f Faults) error {
	for len(data) > 0 {
		piece := data
		if f.RateBytesPerS > 0 {
			piece = data[:min(len(data), pacePiece)]
			sleepUntil(p.pacers[dir].reserve(len(piece), f.RateBytesPerS))
		}
		n, err := dst.Write(piece)
		p.count(l, dir, n)
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

func (p *Proxy) count(l *link, dir direction, n int) {
	if dir == toServer {
		l.sentToServer.Add(int64(n))
		p.stats.bytesToServer.Add(int64(n))
	} else {
		p.stats.bytesToClient.Add(int64(n))
	}
}

// pacer is one direction's line under a rate cap: bytes leave it one after
// another, each n bytes taking n/rate.
type pacer struct {
	mu   sync.Mutex
	free time.Time // when the line has sent everything reserved so far
}

// reserve books n bytes on the line and returns when they have gone out.
func (pc *pacer) reserve(n int, rate int64) time.Time {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	start := time.Now()
	if pc.free.After(start) {
		start = pc.free
	}
	pc.free = start.Add(time.Duration(int64(n) * int64(time.Second) / rate))
	return pc.free
}
