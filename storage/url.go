package storage

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// endpoint is what a connection URL says: where, who, which db, whether TLS.
type endpoint struct {
	network    string   // "tcp" or "unix"
	addrs      []string // host:port (several for sentinel), or a socket path
	username   string
	password   string
	db         int
	tls        bool
	sentinel   bool
	masterName string // sentinel only
}

// parseURL reads redis://, rediss://, unix:// and redis+sentinel:// URLs.
// It is hand-written rather than url.Parse so that a sentinel's host list
// parses and so that no error ever echoes the raw URL: errors carry the
// redacted form only.
func parseURL(raw string) (endpoint, error) {
	bad := func(reason string) (endpoint, error) {
		return endpoint{}, configError("url", redactURL(raw), reason)
	}
	scheme, rest, at, ok := splitUserinfo(raw)
	if !ok {
		return bad("no scheme; write it as a URL, e.g. redis://" + redactURL(raw) + " (rediss:// for TLS, unix:// or redis+sentinel://)")
	}
	var ep endpoint
	switch strings.ToLower(scheme) {
	case "redis":
		ep.network = "tcp"
	case "rediss":
		ep.network, ep.tls = "tcp", true
	case "unix":
		ep.network = "unix"
	case "redis+sentinel":
		ep.network, ep.sentinel = "tcp", true
	default:
		return bad("unknown scheme " + strconv.Quote(scheme))
	}
	// User info first, so that no piece of a password can reach a host,
	// port or path error message.
	if at >= 0 {
		if err := ep.setUserinfo(rest[:at]); err != nil {
			return bad(err.Error())
		}
		rest = rest[at+1:]
	}
	rest, query, _ := strings.Cut(rest, "?")
	authority, path, _ := strings.Cut(rest, "/")
	if ep.network == "unix" {
		// unix://[user:pass@]/path/to.sock: the socket path is everything
		// after the (empty) authority, including its leading slash.
		path = "/" + path
	}
	if err := ep.setQuery(query); err != nil {
		return bad(err.Error())
	}
	var err error
	switch {
	case ep.network == "unix":
		if path == "/" {
			return bad("missing socket path")
		}
		ep.addrs = []string{path}
	case ep.sentinel:
		err = ep.setSentinelPath(authority, path)
	default:
		err = ep.setHostAndDB(authority, path)
	}
	if err != nil {
		return bad(err.Error())
	}
	return ep, nil
}

func (ep *endpoint) setUserinfo(info string) error {
	user, pass, _ := strings.Cut(info, ":")
	u, err1 := url.PathUnescape(user)
	p, err2 := url.PathUnescape(pass)
	if err1 != nil || err2 != nil {
		return errorString("bad percent-encoding in user info")
	}
	// Without ':' the userinfo is a user name, as go-redis and redis-py read
	// it; a password alone is written redis://:secret@host.
	ep.username, ep.password = u, p
	return nil
}

func (ep *endpoint) setQuery(query string) error {
	if query == "" {
		return nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return errorString("bad query string")
	}
	for key := range values {
		if key != "db" {
			return errorString("unsupported query parameter " + strconv.Quote(key) + " (only db)")
		}
	}
	return ep.setDB(values.Get("db"))
}

func (ep *endpoint) setDB(s string) error {
	if s == "" {
		return nil
	}
	db, err := strconv.Atoi(s)
	if err != nil || db < 0 {
		return errorString("bad database number " + strconv.Quote(s))
	}
	ep.db = db
	return nil
}

func (ep *endpoint) setHostAndDB(authority, path string) error {
	addr, err := hostPort(authority)
	if err != nil {
		return err
	}
	ep.addrs = []string{addr}
	return ep.setDB(strings.TrimSuffix(path, "/"))
}

// setSentinelPath reads host:port[,host:port...] and /mastername[/db].
func (ep *endpoint) setSentinelPath(authority, path string) error {
	for _, hp := range strings.Split(authority, ",") {
		addr, err := hostPort(hp)
		if err != nil {
			return err
		}
		ep.addrs = append(ep.addrs, addr)
	}
	master, db, _ := strings.Cut(strings.TrimSuffix(path, "/"), "/")
	if master == "" {
		return errorString("sentinel URL needs /mastername")
	}
	ep.masterName = master
	return ep.setDB(db)
}

// hostPort accepts host, host:port and [v6]:port; the port defaults to 6379.
func hostPort(s string) (string, error) {
	if s == "" {
		return "", errorString("missing host")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "6379"
		// "[::1:6379" must not dial [::1:6379]:6379: a bracket is allowed only around the whole host.
		if strings.HasPrefix(s, "[") != strings.HasSuffix(s, "]") || strings.ContainsAny(host, "[]") {
			return "", errorString("unbalanced '[' ']' in host " + strconv.Quote(s) + "; write an IPv6 host as [::1]:6379")
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return "", errorString("bad port " + strconv.Quote(port))
	}
	return net.JoinHostPort(host, port), nil
}

// splitUserinfo finds the user info: after "://" and up to the LAST '@'
// (a raw password may hold '/', '?' or '@'). at < 0 when there is none.
func splitUserinfo(raw string) (scheme, rest string, at int, ok bool) {
	scheme, rest, ok = strings.Cut(raw, "://")
	return scheme, rest, strings.LastIndex(rest, "@"), ok
}

// redactURL replaces the user info's password (after ':' up to the last
// '@') with ***. Without "://", all the user info is hidden.
// testdata/url_cases.json holds the cases Go and Python both pass.
func redactURL(raw string) string {
	scheme, rest, at, ok := splitUserinfo(raw)
	switch {
	case !ok && strings.Contains(raw, "@"):
		return "***@" + raw[strings.LastIndex(raw, "@")+1:]
	case !ok || at < 0:
		return raw
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return raw // a user name only: nothing secret to hide
	}
	return scheme + "://" + user + ":***@" + rest[at+1:]
}

// Secrets are the strings no message may show: the password option and the
// URL's password, raw and percent-decoded (both may appear in an error).
func (o *Options) Secrets() []string {
	var out []string
	if o.Password != "" {
		out = append(out, o.Password)
	}
	if _, rest, at, ok := splitUserinfo(o.URL); ok && at >= 0 {
		if _, pw, _ := strings.Cut(rest[:at], ":"); pw != "" {
			out = append(out, pw)
			if decoded, err := url.PathUnescape(pw); err == nil && decoded != pw {
				out = append(out, decoded)
			}
		}
	}
	return out
}

// errorString is a plain reason; parseURL wraps it into a *ConfigError.
type errorString string

func (e errorString) Error() string { return string(e) }
