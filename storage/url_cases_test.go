package storage

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// urlCase is one line of testdata/url_cases.json, which
// tests/test_url_cases.py runs through the Python twin (_url.py) too.
type urlCase struct {
	URL      string `json:"url"`
	OK       bool   `json:"ok"`
	Redacted string `json:"redacted"`
	Endpoint *struct {
		Network    string   `json:"network"`
		Addrs      []string `json:"addrs"`
		Username   string   `json:"username"`
		Password   string   `json:"password"`
		DB         int      `json:"db"`
		TLS        bool     `json:"tls"`
		Sentinel   bool     `json:"sentinel"`
		MasterName string   `json:"master_name"`
	} `json:"endpoint"`
}

func TestURLCasesSharedWithPython(t *testing.T) {
	data, err := os.ReadFile("testdata/url_cases.json")
	require.NoError(t, err)
	var table struct{ Cases []urlCase }
	require.NoError(t, json.Unmarshal(data, &table))
	require.NotEmpty(t, table.Cases)
	for _, tc := range table.Cases {
		assert.Equal(t, tc.Redacted, redactURL(tc.URL), "redaction of %s", tc.URL)
		ep, err := parseURL(tc.URL)
		if !tc.OK {
			var ce *ConfigError
			if assert.ErrorAs(t, err, &ce, "%s must be refused", tc.URL) {
				assert.Equal(t, "url", ce.Option)
				assert.Equal(t, tc.Redacted, ce.Value, "the error shows the redacted URL")
				assert.NotContains(t, err.Error(), "s3cr3t")
			}
			continue
		}
		if assert.NoError(t, err, tc.URL) && assert.NotNil(t, tc.Endpoint, tc.URL) {
			e := tc.Endpoint
			assert.Equal(t, endpoint{network: e.Network, addrs: e.Addrs, username: e.Username, password: e.Password,
				db: e.DB, tls: e.TLS, sentinel: e.Sentinel, masterName: e.MasterName}, ep, tc.URL)
		}
	}
}

func TestSecretsReadTheURLLikeParseURL(t *testing.T) {
	for url, want := range map[string][]string{
		"redis://user:p@ss/w?rd@h:1/0": {"p@ss/w?rd"}, // raw '@', '/', '?': up to the last '@'
		"redis://user:p%40ss@h:1/0":    {"p%40ss", "p@ss"},
		"redis://app@h:1":              nil, // a user name only, as go-redis and redis-py read it
		"redis://h:1":                  nil,
	} {
		assert.Equal(t, want, (&Options{URL: url}).Secrets(), url)
	}
	assert.Equal(t, []string{"pw", "x"}, (&Options{URL: "redis://:x@h", Password: "pw"}).Secrets())
}
