package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"time"
)

// DecodeOptions reads the wire JSON object that ngr_store_open receives
// (Python's Settings.to_wire) into Options. Errors are *ConfigError.
func DecodeOptions(data []byte) (*Options, error) {
	var o Options
	if err := OptionsSchema.Decode(data, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// Decode reads a JSON object of settings, by wire key, into target (a
// pointer to a struct holding the settings' fields). It is strict: an
// unknown key, a value of the wrong kind or a number out of bounds is a
// *ConfigError naming the key and never echoing the value (it may be a
// password). Numbers are bounded before they become durations, so 1e300
// seconds cannot overflow and 1e-12 cannot round to 0 (= the default).
// A JSON null leaves the field unset.
func (s Schema) Decode(data []byte, target any) error {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return &ConfigError{Reason: "not a JSON object"}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &ConfigError{Reason: "trailing data after the JSON object"}
	}
	v := reflect.ValueOf(target).Elem()
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		st := s.Setting(key)
		if st == nil {
			return &ConfigError{Option: key, Reason: "unknown option (see docs/configuration.md)"}
		}
		if string(obj[key]) == "null" {
			continue
		}
		if why := st.decode(obj[key], field(v, st)); why != "" {
			return &ConfigError{Option: key, Reason: why}
		}
	}
	return nil
}

// decode stores one JSON value into f, or says why it cannot.
func (st *Setting) decode(raw json.RawMessage, f reflect.Value) string {
	switch st.Kind {
	case KindBool:
		var b bool
		if why := unmarshal(raw, &b); why != "" {
			return why
		}
		f.SetBool(b)
	case KindInt, KindSeconds:
		var x float64
		if why := unmarshal(raw, &x); why != "" {
			return why
		}
		if st.Kind == KindInt && x != math.Trunc(x) {
			return "expected a whole number"
		}
		if why := st.checkNumber(x); why != "" {
			return describe(x, why)
		}
		if st.Kind == KindInt {
			f.SetInt(int64(x))
		} else {
			f.SetInt(int64(seconds(x)))
		}
	case KindAddrs, KindNames:
		var list []string // [] stays an empty non-nil slice: KindNames reads it as "none"
		if why := unmarshal(raw, &list); why != "" {
			return why
		}
		f.Set(reflect.ValueOf(list))
	case KindTTLs:
		var table map[string]float64
		if why := unmarshal(raw, &table); why != "" {
			return why
		}
		ttl := make(map[string]time.Duration, len(table))
		for ns, x := range table {
			if why := st.checkNumber(x); why != "" {
				return fmt.Sprintf("%q: %s", ns, describe(x, why))
			}
			ttl[ns] = seconds(x)
		}
		f.Set(reflect.ValueOf(ttl))
	default:
		var text string
		if why := unmarshal(raw, &text); why != "" {
			return why
		}
		f.SetString(text)
	}
	return ""
}

// unmarshal decodes one value; its complaint names the expected JSON type,
// never the value.
func unmarshal(raw json.RawMessage, into any) string {
	err := json.Unmarshal(raw, into)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &typeErr):
		return fmt.Sprintf("expected %s, got a JSON %s", typeErr.Type, typeErr.Value)
	default:
		return "not valid JSON"
	}
}

// seconds converts bounded seconds to a duration, to the nearest nanosecond.
func seconds(x float64) time.Duration {
	return time.Duration(math.Round(x * float64(time.Second)))
}
