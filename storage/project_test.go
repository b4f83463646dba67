package storage

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// rawMap encodes a map with keys of any msgpack type, in the given order,
// which a Go map cannot express.
func rawMap(t *testing.T, kv ...any) []byte {
	t.Helper()
	out := appendMapLen(nil, len(kv)/2)
	for _, v := range kv {
		out = append(out, mp(t, v)...)
	}
	return out
}

func TestProjectorKeepsWantedEntriesVerbatim(t *testing.T) {
	p := newProjector([]string{"a", "", "long key of more than thirty-one bytes...", "bin"})
	nested := map[string]any{"x": []any{1, "y", map[string]any{"z": nil}}}
	value := rawMap(t,
		"a", nested, "b", "skipped", 7, "int key never matches", nil, "nil decodes as empty string",
		"long key of more than thirty-one bytes...", 3.5, []byte("bin"), "bin key decodes as a string", "a", "duplicate kept")
	got, err := p.project("id", value)
	require.NoError(t, err)
	assert.Equal(t, rawMap(t, "a", nested, nil, "nil decodes as empty string",
		"long key of more than thirty-one bytes...", 3.5, []byte("bin"), "bin key decodes as a string", "a", "duplicate kept"), got)
}

func TestProjectorMapSizes(t *testing.T) {
	big := map[string]int{}
	for i := range 70000 {
		big[randomHex(8)] = i
	}
	big["keep"] = -1
	got, err := newProjector([]string{"keep"}).project("id", mp(t, big))
	require.NoError(t, err)
	assert.Equal(t, mp(t, map[string]int{"keep": -1}), got, "map32 in, fixmap out")

	all := newProjector([]string{})
	got, err = all.project("id", mp(t, big))
	require.NoError(t, err)
	assert.Equal(t, []byte{0x80}, got, "no fields: empty map")
}

func TestProjectorNonMapAndCorrupt(t *testing.T) {
	p := newProjector([]string{"a"})
	for _, v := range []any{"text", []any{"a", 1}, 5, nil} {
		raw := mp(t, v)
		got, err := p.project("id", raw)
		require.NoError(t, err)
		assert.Equal(t, raw, got, "non-map values come back whole")
	}
	whole := mp(t, map[string]any{"a": "value", "b": "other"})
	for cut := 1; cut < len(whole); cut++ {
		_, err := p.project("broken", whole[:cut])
		require.Errorf(t, err, "cut at %d", cut)
		assert.True(t, errors.Is(err, ErrCorruptValue))
		assert.Contains(t, err.Error(), "broken")
	}
	var back map[string]any
	got, err := p.project("id", whole)
	require.NoError(t, err)
	require.NoError(t, msgpack.Unmarshal(got, &back))
	assert.Equal(t, map[string]any{"a": "value"}, back)
}

// Issue #9, defect 1: a stored value nested five million arrays deep made the
// recursive msgpack Skip overflow the goroutine stack, a fatal error that
// took the host process down. The walk is iterative: the value projects.
func TestProjectorDeeplyNestedValue(t *testing.T) {
	deep := append([]byte{0x82, 0xa1, 'a'}, bytes.Repeat([]byte{0x91}, 5_000_000)...)
	deep = append(deep, 0xc0, 0xa1, 'b', 0x01)
	got, err := newProjector([]string{"b"}).project("deep", deep)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x81, 0xa1, 'b', 0x01}, got)

	_, err = newProjector([]string{"b"}).project("cut", deep[:len(deep)-4])
	assert.ErrorIs(t, err, ErrCorruptValue)
}

// The 2 MB version survived, but its recursion grew the stack to half a
// gigabyte (RSS 531 MB). Memory obtained from the OS must stay flat.
func TestProjectorNestedValueCostsNoMemory(t *testing.T) {
	deep := append([]byte{0x82, 0xa1, 'a'}, bytes.Repeat([]byte{0x91}, 2_000_000)...)
	deep = append(deep, 0xc0, 0xa1, 'b', 0x01)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := newProjector([]string{"b"}).project("deep", deep)
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.Sys-before.Sys, uint64(16<<20), "bytes obtained from the OS while projecting")
}
