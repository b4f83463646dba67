package storage

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"
)

// The schema is applied by reflection to any struct holding its settings'
// fields (Options, or a test's Options with one more field), so adding a
// setting never means adding code here.

// applyDefaults fills every unset (zero) field with the setting's default;
// TTLs are merged over theirs instead.
func (s Schema) applyDefaults(v reflect.Value) {
	for i := range s.Settings {
		st := &s.Settings[i]
		f := field(v, st)
		switch {
		case st.Default == nil:
		case st.Kind == KindTTLs:
			f.Set(reflect.ValueOf(mergeTTLs(st.Default.(map[string]time.Duration), f.Interface().(map[string]time.Duration))))
		case f.IsZero():
			f.Set(reflect.ValueOf(st.Default).Convert(f.Type()))
		}
	}
}

// mergeTTLs lower-cases names, lays the caller's TTLs over the defaults and
// turns negative TTLs into 0 (no expiry).
func mergeTTLs(defaults, user map[string]time.Duration) map[string]time.Duration {
	m := maps.Clone(defaults)
	for name, ttl := range user {
		m[strings.ToLower(name)] = max(ttl, 0)
	}
	return m
}

// checkValues checks each setting on its own: bounds, choices, characters.
func (s Schema) checkValues(v reflect.Value) error {
	for i := range s.Settings {
		st := &s.Settings[i]
		f := field(v, st)
		switch st.Kind {
		case KindInt, KindSeconds:
			if why := st.checkNumber(number(f)); why != "" {
				return configError(st.Key, show(st, f), "is "+why)
			}
		case KindTTLs:
			for ns, d := range f.Interface().(map[string]time.Duration) {
				if why := st.checkNumber(d.Seconds()); why != "" {
					return configError(st.Key, ns+"="+d.String(), "is "+why)
				}
				if ns == "" || strings.ContainsAny(ns, "{}") {
					return configError(st.Key, ns, "namespace must be non-empty without braces")
				}
			}
		case KindAddrs:
			for _, addr := range f.Interface().([]string) {
				if why := checkAddr(addr); why != "" {
					return configError(st.Key, addr, why)
				}
			}
		case KindNames:
			for _, name := range f.Interface().([]string) {
				if err := validNamespace(name); err != nil {
					return configError(st.Key, name, "each must be a namespace: non-empty without '{' or '}'")
				}
			}
		case KindBool:
		default:
			if why := st.checkText(f.String()); why != "" {
				return configError(st.Key, show(st, f), why)
			}
		}
	}
	return nil
}

// checkRules runs the rules between settings. With ep nil it runs the rules
// between plain values; with the parsed URL, the rules about the URL.
func (s Schema) checkRules(v reflect.Value, ep *endpoint) error {
	for _, r := range s.Rules {
		urlRule := r.Kind == RuleNeedsTLS || r.Kind == RuleTopology
		if urlRule != (ep != nil) {
			continue
		}
		if err := s.checkRule(v, r, ep); err != nil {
			return err
		}
	}
	return nil
}

func (s Schema) checkRule(v reflect.Value, r Rule, ep *endpoint) error {
	get := func(key string) (*Setting, reflect.Value) {
		st := s.Setting(key)
		if st == nil {
			panic("storage: a rule names an unknown setting " + key)
		}
		return st, field(v, st)
	}
	switch r.Kind {
	case RuleAtMost, RuleBelowWhen:
		a, fa := get(r.Keys[0])
		b, fb := get(r.Keys[1])
		if r.Kind == RuleAtMost && number(fa) > number(fb) {
			return configError(a.Key, show(a, fa), "must not exceed "+b.Key+" "+show(b, fb))
		}
		if r.Kind == RuleBelowWhen {
			if _, fw := get(r.When); number(fw) > 0 && number(fa) >= number(fb) {
				return configError(a.Key, show(a, fa), fmt.Sprintf("must be below %s %s when %s is set (%s)", b.Key, show(b, fb), r.When, r.Why))
			}
		}
	case RuleTogether:
		var set, unset []string
		for _, key := range r.Keys {
			if _, f := get(key); f.IsZero() {
				unset = append(unset, key)
			} else {
				set = append(set, key)
			}
		}
		if len(set) > 0 && len(unset) > 0 {
			st, f := get(set[0])
			return configError(st.Key, show(st, f), strings.Join(r.Keys, " and ")+" must be given together")
		}
	case RuleNeedsTLS:
		for _, key := range r.Keys {
			if st, f := get(key); !f.IsZero() && !ep.tls {
				return configError(st.Key, show(st, f), "TLS options need a rediss:// url")
			}
		}
	case RuleTopology:
		_, ft := get(r.Keys[0])
		_, fu := get(r.Keys[1])
		return checkTopology(Topology(ft.String()), fu.String(), *ep)
	default:
		panic("storage: unknown rule kind " + string(r.Kind))
	}
	return nil
}

// field is the struct field of a setting; a schema naming a missing field
// is a programming error, caught by every test.
func field(v reflect.Value, st *Setting) reflect.Value {
	f := v.FieldByName(st.Field)
	if !f.IsValid() {
		panic("storage: setting " + st.Key + " names no field " + st.Field)
	}
	return f
}

// number is a numeric field as rules and bounds see it: seconds for a
// duration, 0 or 1 for a bool.
func number(f reflect.Value) float64 {
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		return time.Duration(f.Int()).Seconds()
	case f.Kind() == reflect.Bool:
		if f.Bool() {
			return 1
		}
		return 0
	case f.CanInt():
		return float64(f.Int())
	}
	return 0
}

// show is a value as a message may print it: a secret never.
func show(st *Setting, f reflect.Value) string {
	if st.Kind == KindSecret {
		return "***"
	}
	if st.Kind == KindURL {
		return redactURL(f.String())
	}
	return fmt.Sprint(f.Interface())
}
