// Command ngr-faultproxy runs fault proxies (internal/faultproxy) behind an
// HTTP API on loopback, for the test scripts (scripts/redis/faultproxy.sh)
// and tests/faultproxy.py. Proxies named on the command line exist from the
// start, so a script can point servers at them before anything else runs:
//
//	ngr-faultproxy -api 127.0.0.1:8474 -proxy node1=127.0.0.1:17001=127.0.0.1:7001
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/nanographrag/nano-graphrag-redis/internal/faultproxy"
)

type proxyFlags []string

func (f *proxyFlags) String() string     { return strings.Join(*f, " ") }
func (f *proxyFlags) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	api := flag.String("api", "127.0.0.1:8474", "address of the HTTP API")
	var proxies proxyFlags
	flag.Var(&proxies, "proxy", "NAME=LISTEN=UPSTREAM, a proxy to start with (repeatable)")
	flag.Parse()
	if err := run(*api, proxies); err != nil {
		fmt.Fprintln(os.Stderr, "ngr-faultproxy:", err)
		os.Exit(1)
	}
}

func run(api string, proxies []string) error {
	s := faultproxy.NewServer()
	defer s.Close()
	for _, spec := range proxies {
		parts := strings.Split(spec, "=")
		if len(parts) != 3 {
			return fmt.Errorf("-proxy %q: want NAME=LISTEN=UPSTREAM", spec)
		}
		if _, err := s.Add(parts[0], parts[1], parts[2]); err != nil {
			return fmt.Errorf("-proxy %q: %w", spec, err)
		}
	}
	ln, err := net.Listen("tcp", api)
	if err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		_ = ln.Close()
	}()
	err = http.Serve(ln, s.Handler())
	if errors.Is(err, net.ErrClosed) {
		return nil // stopped by a signal
	}
	return err
}
