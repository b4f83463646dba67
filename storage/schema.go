package storage

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind says how a setting is written (environment, global_config, wire
// JSON) and which Go type its Options field has.
type Kind string

const (
	KindString  Kind = "string"  // text; Options field: string
	KindSecret  Kind = "secret"  // text never shown in a message or repr
	KindPath    Kind = "path"    // a file that must exist; Go reads it when the client is built
	KindURL     Kind = "url"     // a connection URL, parsed by the rule of url.go
	KindEnum    Kind = "enum"    // one of Choices (Python lower-cases it first)
	KindBool    Kind = "bool"    // true/false (also 1/0, yes/no, on/off in the environment)
	KindInt     Kind = "int"     // a whole number, within the bounds
	KindSeconds Kind = "seconds" // a number of seconds on the wire; time.Duration in Options
	KindAddrs   Kind = "addrs"   // host:port list (comma-separated in the environment); []string
	KindNames   Kind = "names"   // namespace list (comma-separated in the environment; "none" = empty); []string
	KindTTLs    Kind = "ttls"    // namespace -> seconds (REDIS_TTL_<NAMESPACE>); map[string]time.Duration
)

// Setting is one user setting: every place that names, parses, bounds or
// documents it is generated from this (see settings.go).
type Setting struct {
	Key   string   // wire key (the JSON sent to ngr_store_open) and Python Settings field
	Field string   // the Options field it fills
	Env   []string // environment names, most specific first; lower-cased in global_config
	Kind  Kind
	// Default is what an unset (zero) Options field becomes, in the field's
	// Go type; nil = none. DefaultDoc replaces it in the docs table.
	Default    any
	DefaultDoc string
	// Bounds of a number (seconds for KindSeconds and KindTTLs); Max == 0
	// means unbounded. Zero and Negative say what 0 and a negative number
	// mean ("" = they must be within the bounds like any other number).
	Min, Max       float64
	Zero, Negative string
	Choices        []string // KindEnum
	Forbid         string   // characters a text may not hold
	Doc            string   // one line of Markdown for the docs table
}

// RuleKind is a check between settings, run on the values after defaults.
// Each kind is implemented once in Go (here) and once in Python (_config.py).
type RuleKind string

const (
	RuleAtMost    RuleKind = "at_most"    // Keys[0] <= Keys[1]
	RuleBelowWhen RuleKind = "below_when" // Keys[0] < Keys[1] when When > 0
	RuleTogether  RuleKind = "together"   // all of Keys set, or none
	RuleNeedsTLS  RuleKind = "needs_tls"  // each of Keys only with a rediss:// url
	RuleTopology  RuleKind = "topology"   // Keys[0] (topology) fits Keys[1] (url): see checkTopology
)

// Rule is one cross-field check; Why ends its message.
type Rule struct {
	Kind RuleKind
	Keys []string
	When string
	Why  string
}

// Schema is every setting and the rules between them.
type Schema struct {
	Settings []Setting
	Rules    []Rule
}

// With returns a copy of s with more settings: the way a test adds one.
func (s Schema) With(more ...Setting) Schema {
	s.Settings = append(append([]Setting(nil), s.Settings...), more...)
	return s
}

// Setting returns the setting with that wire key, or nil.
func (s Schema) Setting(key string) *Setting {
	for i := range s.Settings {
		if s.Settings[i].Key == key {
			return &s.Settings[i]
		}
	}
	return nil
}

// Bounded reports whether the setting's numbers have bounds.
func (st *Setting) Bounded() bool { return st.Max != 0 }

// checkNumber returns why v is refused, or "" when it is accepted: 0 and
// negatives when Zero/Negative give them a meaning, else v within bounds.
func (st *Setting) checkNumber(v float64) string {
	switch {
	case v == 0 && st.Zero != "", v < 0 && st.Negative != "", !st.Bounded():
		return ""
	case v < st.Min:
		return "below the minimum " + FormatNumber(st.Min) + st.unit()
	case v > st.Max:
		return "above the maximum " + FormatNumber(st.Max) + st.unit()
	}
	return ""
}

func (st *Setting) unit() string {
	if st.Kind == KindSeconds || st.Kind == KindTTLs {
		return " seconds"
	}
	return ""
}

// checkText returns why a text value is refused, or "".
func (st *Setting) checkText(s string) string {
	if st.Forbid != "" && strings.ContainsAny(s, st.Forbid) {
		return "must not contain any of " + strconv.Quote(st.Forbid)
	}
	if st.Kind == KindEnum && s != "" {
		for _, c := range st.Choices {
			if s == c {
				return ""
			}
		}
		return "want " + strings.Join(st.Choices, ", ")
	}
	return ""
}

// checkAddr returns why a cluster seed is not host:port, or "".
func checkAddr(addr string) string {
	i := strings.LastIndex(addr, ":")
	if i <= 0 {
		return "not host:port"
	}
	if n, err := strconv.Atoi(addr[i+1:]); err != nil || n <= 0 || n > 65535 || addr[i+1] == '+' || addr[i+1] == '-' {
		return "not host:port"
	}
	return ""
}

// FormatNumber writes a bound as Go and Python both print it: 3600, 0.001.
func FormatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// describe is the reason of a refused number, for messages.
func describe(v float64, reason string) string {
	return fmt.Sprintf("%s is %s", FormatNumber(v), reason)
}
