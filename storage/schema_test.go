package storage

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every bound of the schema is enforced twice in Go: on the wire JSON
// (numbers as written, before they become durations) and on Options (after
// defaults, for Go callers); tests/test_config_checks.py does the same in
// Python. The bounds come from the schema, so a new one is tested too.
func TestEveryBoundIsEnforced(t *testing.T) {
	tested := 0
	for _, st := range OptionsSchema.Settings {
		if !st.Bounded() || st.Kind == KindTTLs {
			continue
		}
		below := st.Min - 1
		if st.Kind == KindSeconds {
			below = st.Min / 2
		}
		for _, v := range []float64{below, st.Max + 1} {
			if v == 0 && st.Zero != "" {
				continue // 0 means something here (the default)
			}
			tested++
			t.Run(fmt.Sprintf("%s=%v", st.Key, v), func(t *testing.T) {
				_, err := DecodeOptions([]byte(fmt.Sprintf(`{%q:%v}`, st.Key, v)))
				var ce *ConfigError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, st.Key, ce.Option)

				if v == 0 {
					return // a zero Options field means the default for Go callers
				}
				var o Options
				f := field(reflect.ValueOf(&o).Elem(), &st)
				if st.Kind == KindSeconds {
					f.SetInt(int64(seconds(v)))
				} else {
					f.SetInt(int64(v))
				}
				err = Validate(&o)
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, st.Key, ce.Option)
			})
		}
		// The bounds themselves are accepted on the wire.
		for _, v := range []float64{st.Min, st.Max} {
			_, err := DecodeOptions([]byte(fmt.Sprintf(`{%q:%v}`, st.Key, v)))
			assert.NoError(t, err, "%s=%v", st.Key, v)
		}
	}
	assert.GreaterOrEqual(t, tested, 20)
}

func TestTTLBounds(t *testing.T) {
	for _, ttl := range []string{`{"x":1e-9}`, `{"x":1e12}`} {
		_, err := DecodeOptions([]byte(`{"ttl":` + ttl + `}`))
		assert.ErrorIs(t, err, ErrConfig, ttl)
	}
	o, err := DecodeOptions([]byte(`{"ttl":{"x":0,"y":-1,"z":0.5}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]time.Duration{"x": 0, "y": -time.Second, "z": 500 * time.Millisecond}, o.TTL)
}

// The five values that used to pass ngr_store_open and fail on the first
// operation are refused by Validate, which ngr_store_open runs.
func TestFiveCasesFailValidation(t *testing.T) {
	for _, tc := range []struct {
		opts   Options
		option string
	}{
		{Options{PoolSize: 20000}, "pool_size"},
		{Options{URL: "redis://127.0.0.1:6379", TLSCAFile: "ca.pem"}, "tls_ca_file"},
		{Options{WaitReplicas: 1, WaitTimeout: 3 * time.Second}, "wait_timeout"},
		{Options{MinRetryBackoff: time.Second}, "min_retry_backoff"},
		{Options{URL: "redis://127.0.0.1:6379?foo=1"}, "url"},
	} {
		var ce *ConfigError
		require.ErrorAs(t, Validate(&tc.opts), &ce, tc.option)
		assert.Equal(t, tc.option, ce.Option)
	}
}

func TestDecodeOptionsIsStrictAndNeverEchoesTheValue(t *testing.T) {
	for input, want := range map[string]string{
		`[]`:                         "not a JSON object",
		`{"pool_size":3} {}`:         "trailing data",
		`{"nope":1}`:                 `"nope": unknown option`,
		`{"pool_size":1.5}`:          "whole number",
		`{"password":{"s3cr3t":1}}`:  `"password"`,
		`{"retry_on_timeout":"yes"}`: `"retry_on_timeout"`,
	} {
		_, err := DecodeOptions([]byte(input))
		require.ErrorIs(t, err, ErrConfig, input)
		assert.Contains(t, err.Error(), want, input)
		assert.NotContains(t, err.Error(), "s3cr3t", input)
	}
	o, err := DecodeOptions([]byte(`{"url":null,"pool_size":5}`))
	require.NoError(t, err)
	assert.Equal(t, Options{PoolSize: 5}, *o)
	_, err = json.Marshal(o)
	assert.NoError(t, err)
}
