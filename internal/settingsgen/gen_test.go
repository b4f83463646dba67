package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

const (
	pythonPackage = "../../python/nano_graphrag_redis"
	docsPath      = "../../docs/configuration.md"
)

func TestGeneratedFilesAreFresh(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join(pythonPackage, "_settings_spec.py"))
	require.NoError(t, err)
	assert.Equal(t, renderPython(storage.OptionsSchema), string(spec), "stale: run go generate ./storage")
	doc, err := os.ReadFile(docsPath)
	require.NoError(t, err)
	want, err := spliceTable(string(doc), renderTable(storage.OptionsSchema))
	require.NoError(t, err)
	assert.Equal(t, want, string(doc), "stale settings table: run go generate ./storage")
}

// Adding a setting is one entry in the schema (plus its Options field,
// stood in for here by a struct embedding Options) and go generate: the
// binding's decoder, the docs table and Python's resolution all see it.
func TestAddingASettingIsOneSchemaEntry(t *testing.T) {
	extended := storage.OptionsSchema.With(storage.Setting{
		Key: "client_name", Field: "ClientName", Env: []string{"REDIS_CLIENT_NAME"}, Kind: storage.KindString,
		Forbid: "{}", Doc: "names the connection",
	})

	// The binding decodes the wire JSON with the schema, into the new field.
	var opts struct {
		storage.Options
		ClientName string
	}
	require.NoError(t, extended.Decode([]byte(`{"client_name":"w1","pool_size":3}`), &opts))
	assert.Equal(t, "w1", opts.ClientName)
	assert.Equal(t, 3, opts.PoolSize)
	_, err := storage.DecodeOptions([]byte(`{"client_name":"w1"}`))
	assert.ErrorIs(t, err, storage.ErrConfig, "the schema without the entry refuses the key")

	// The docs table has its row.
	assert.Contains(t, renderTable(extended), "| `REDIS_CLIENT_NAME` | `client_name` | none | text; without { or } | names the connection |")
	assert.NotContains(t, renderTable(storage.OptionsSchema), "REDIS_CLIENT_NAME")

	// Python: the package's modules with the spec generated from the copy.
	out := runPython(t, renderPython(extended), `
import json
from nano_graphrag_redis._config import resolve_settings
from nano_graphrag_redis._errors import ConfigurationError
env = resolve_settings({}, {"REDIS_CLIENT_NAME": "w2"}).to_wire()
addon = resolve_settings({"addon_params": {"redis_client_name": "w3"}}, {}).to_wire()
try:
    resolve_settings({}, {"REDIS_CLIENT_NAME": "a{b}"})
    bad = "accepted"
except ConfigurationError as exc:
    bad = str(exc)
print(json.dumps({"env": env, "addon": addon, "bad": bad}))
`)
	var got struct {
		Env, Addon map[string]any
		Bad        string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.Equal(t, map[string]any{"client_name": "w2"}, got.Env)
	assert.Equal(t, map[string]any{"client_name": "w3"}, got.Addon)
	assert.Contains(t, got.Bad, "REDIS_CLIENT_NAME from the environment")
}

// runPython runs script with a copy of the package's modules whose
// _settings_spec.py is spec. The package's __init__ is left out, so only
// what settings resolution imports is loaded: no native library, no
// third-party module, and python3 alone is enough.
func runPython(t *testing.T, spec, script string) string {
	t.Helper()
	pkg := filepath.Join(t.TempDir(), "nano_graphrag_redis")
	require.NoError(t, os.Mkdir(pkg, 0o755))
	modules, err := filepath.Glob(filepath.Join(pythonPackage, "_*.py"))
	require.NoError(t, err)
	for _, m := range modules {
		data, err := os.ReadFile(m)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(pkg, filepath.Base(m)), data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "__init__.py"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "_settings_spec.py"), []byte(spec), 0o644))
	cmd := exec.Command("python3", "-c", script)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Dir(pkg), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return strings.TrimSpace(string(out))
}
