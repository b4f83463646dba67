package faultproxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
)

// Server is a set of named proxies and the HTTP API that drives them (the
// shape of Toxiproxy's, smaller):
//
//	GET    /proxies                 every proxy
//	POST   /proxies                 {"name", "listen", "upstream"}: create one ("listen" "127.0.0.1:0" picks a port)
//	GET    /proxies/{name}          one proxy: listen, upstream, faults, stats
//	PUT    /proxies/{name}/faults   replace its faults (Faults as JSON; {} clears them)
//	POST   /proxies/{name}/reset    reset its open connections now
//	DELETE /proxies/{name}          close it
//	POST   /reset                   clear the faults of every proxy
//
// Errors answer 400, 404 or 409 with {"error": "..."}.
type Server struct {
	mu      sync.Mutex
	proxies map[string]*Proxy
}

// NewServer returns a server with no proxy.
func NewServer() *Server { return &Server{proxies: map[string]*Proxy{}} }

var errExists = errors.New("a proxy of that name exists")

// Add creates and starts a proxy.
func (s *Server) Add(name, listen, upstream string) (*Proxy, error) {
	if name == "" || upstream == "" {
		return nil, errors.New("name and upstream are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.proxies[name]; ok {
		return nil, fmt.Errorf("%w: %q", errExists, name)
	}
	p, err := Listen(name, listen, upstream)
	if err != nil {
		return nil, err
	}
	s.proxies[name] = p
	return p, nil
}

// Close closes every proxy.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, p := range s.proxies {
		_ = p.Close()
		delete(s.proxies, name)
	}
}

func (s *Server) get(name string) *Proxy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proxies[name]
}

// Handler is the HTTP API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /proxies", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		out := map[string]proxyJSON{}
		for name, p := range s.proxies {
			out[name] = describe(p)
		}
		s.mu.Unlock()
		reply(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /proxies", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Name, Listen, Upstream string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		p, err := s.Add(req.Name, req.Listen, req.Upstream)
		switch {
		case errors.Is(err, errExists):
			fail(w, http.StatusConflict, err)
		case err != nil:
			fail(w, http.StatusBadRequest, err)
		default:
			reply(w, http.StatusCreated, describe(p))
		}
	})
	mux.HandleFunc("GET /proxies/{name}", s.withProxy(func(w http.ResponseWriter, r *http.Request, p *Proxy) {
		reply(w, http.StatusOK, describe(p))
	}))
	mux.HandleFunc("PUT /proxies/{name}/faults", s.withProxy(func(w http.ResponseWriter, r *http.Request, p *Proxy) {
		var f Faults
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields() // a misspelt fault must not pass as "no fault"
		if err := dec.Decode(&f); err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		if err := p.Set(f); err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		reply(w, http.StatusOK, describe(p))
	}))
	mux.HandleFunc("POST /proxies/{name}/reset", s.withProxy(func(w http.ResponseWriter, r *http.Request, p *Proxy) {
		reply(w, http.StatusOK, map[string]int{"reset": p.ResetConnections()})
	}))
	mux.HandleFunc("DELETE /proxies/{name}", s.withProxy(func(w http.ResponseWriter, r *http.Request, p *Proxy) {
		s.mu.Lock()
		delete(s.proxies, p.Name())
		s.mu.Unlock()
		_ = p.Close()
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		names := make([]string, 0, len(s.proxies))
		for name, p := range s.proxies {
			_ = p.Set(Faults{})
			names = append(names, name)
		}
		s.mu.Unlock()
		sort.Strings(names)
		reply(w, http.StatusOK, map[string][]string{"cleared": names})
	})
	return mux
}

func (s *Server) withProxy(h func(http.ResponseWriter, *http.Request, *Proxy)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.get(r.PathValue("name"))
		if p == nil {
			fail(w, http.StatusNotFound, fmt.Errorf("no proxy named %q", r.PathValue("name")))
			return
		}
		h(w, r, p)
	}
}

type proxyJSON struct {
	Name     string `json:"name"`
	Listen   string `json:"listen"`
	Upstream string `json:"upstream"`
	Faults   Faults `json:"faults"`
	Stats    Stats  `json:"stats"`
}

func describe(p *Proxy) proxyJSON {
	return proxyJSON{Name: p.Name(), Listen: p.Addr(), Upstream: p.Upstream(), Faults: p.Faults(), Stats: p.Stats()}
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, err error) {
	reply(w, status, map[string]string{"error": err.Error()})
}
