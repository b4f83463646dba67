package msgpackwalk

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// Every msgpack type, each followed by a marker, must end where the msgpack
// library's own Skip ends.
func TestSkipEndsWhereTheLibraryEnds(t *testing.T) {
	values := []any{
		nil, true, false, 0, 127, -1, -32, -33, 255, 65535, 1 << 20, 1 << 40, -(1 << 40), int8(-100), int16(-1000),
		float32(1.5), 2.5, "", "short", string(bytes.Repeat([]byte("s"), 40)), string(bytes.Repeat([]byte("s"), 300)),
		string(bytes.Repeat([]byte("s"), 70000)), []byte{}, []byte("bin"), bytes.Repeat([]byte("b"), 300),
		bytes.Repeat([]byte("b"), 70000), []any{}, []any{1, "a", []any{nil}}, make([]any, 20), make([]any, 70000),
		map[string]any{"a": map[string]any{"b": []any{1.5, map[string]any{}}}},
	}
	for i := range 40 {
		m := map[int]int{}
		for j := range i * i * 50 {
			m[j] = j
		}
		values = append(values, m)
	}
	var exts [][]byte
	for _, n := range []int{1, 2, 4, 8, 16, 3, 300, 70000} { // fixext, ext8, ext16, ext32
		exts = append(exts, extBytes(n))
	}
	for _, v := range values {
		b, err := msgpack.Marshal(v)
		require.NoError(t, err)
		exts = append(exts, b)
	}
	for _, b := range exts {
		in := append(append([]byte{}, b...), 0x2a)
		end, err := Skip(in, 0)
		require.NoError(t, err, "%x", b[:min(len(b), 8)])
		lib := msgpack.NewDecoder(bytes.NewReader(in))
		require.NoError(t, lib.Skip())
		assert.Equal(t, len(b), end, "%x", b[:min(len(b), 8)])
	}
}

// extBytes is an ext object of n payload bytes in the shortest form.
func extBytes(n int) []byte {
	payload := bytes.Repeat([]byte{7}, n)
	switch n {
	case 1, 2, 4, 8, 16:
		code := map[int]byte{1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8}[n]
		return append([]byte{code, 5}, payload...)
	}
	switch {
	case n < 256:
		return append([]byte{0xc7, byte(n), 5}, payload...)
	case n < 65536:
		return append([]byte{0xc8, byte(n >> 8), byte(n), 5}, payload...)
	}
	return append([]byte{0xc9, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 5}, payload...)
}

// The value of issue #9: five million nested arrays. The library's recursive
// Skip overflows the goroutine stack (a fatal error, not a panic); the walk
// keeps one counter.
func TestSkipDeepNestingWithoutRecursion(t *testing.T) {
	deep := append(bytes.Repeat([]byte{0x91}, 5_000_000), 0xc0)
	end, err := Skip(deep, 0)
	require.NoError(t, err)
	assert.Equal(t, len(deep), end)
	_, err = Skip(deep[:len(deep)-1], 0)
	assert.ErrorIs(t, err, ErrTruncated)
}

func TestSkipRejectsClaimsBeyondTheInput(t *testing.T) {
	for name, b := range map[string][]byte{
		"map32 of 2^31 entries": {0xdf, 0x7f, 0xff, 0xff, 0xff},
		"array32 of 2^32-1":     {0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0},
		"str32 of 4 GB":         {0xdb, 0xff, 0xff, 0xff, 0xff, 'a'},
		"bin16 short":           {0xc5, 0x00, 0x10, 1, 2},
		"ext32 short":           {0xc9, 0x00, 0x00, 0x00, 0x02, 5, 1},
		"length cut":            {0xda, 0x01},
		"float64 cut":           {0xcb, 0, 0},
		"fixmap missing values": {0x82, 0xa1, 'a', 0x01},
		"empty":                 {},
	} {
		_, err := Skip(b, 0)
		assert.ErrorIs(t, err, ErrTruncated, name)
	}
	_, err := Skip([]byte{0x92, 0xc1, 0xc0}, 0)
	assert.ErrorIs(t, err, ErrReservedCode)
}

func TestMapLen(t *testing.T) {
	n, next, ok, err := MapLen([]byte{0x81, 0xa1, 'a', 0x01}, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1}, []int{n, next})
	assert.True(t, ok)
	_, _, ok, err = MapLen([]byte{0x91, 0x01}, 0)
	assert.False(t, ok)
	assert.NoError(t, err)
	_, _, ok, err = MapLen([]byte{0xdf, 0x7f, 0xff, 0xff, 0xff}, 0)
	assert.True(t, ok)
	assert.ErrorIs(t, err, ErrTruncated, "a header may not claim more entries than the bytes can hold")
	n, next, ok, err = MapLen([]byte{0xde, 0x00, 0x01, 0xa1, 'a', 0x01}, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 3}, []int{n, next})
	assert.True(t, ok)
}

func TestValid(t *testing.T) {
	nested := func(depth int) []byte { return append(bytes.Repeat([]byte{0x91}, depth), 0xc0) }
	v, err := msgpack.Marshal(map[string]any{"a": []any{1, map[string]any{"b": "c"}, []any{}}, "d": map[string]any{}})
	require.NoError(t, err)
	assert.NoError(t, Valid(v, 3))
	assert.ErrorIs(t, Valid(v, 2), ErrTooDeep)
	assert.NoError(t, Valid(nested(1000), 1000))
	assert.ErrorIs(t, Valid(nested(1001), 1000), ErrTooDeep)
	assert.ErrorIs(t, Valid(nested(5_000_000), 1000), ErrTooDeep)
	assert.NoError(t, Valid([]byte{0x90}, 0), "an empty container opens nothing")
	assert.ErrorIs(t, Valid(nil, 10), ErrTruncated)
	assert.ErrorIs(t, Valid(v[:len(v)-1], 10), ErrTruncated)
	assert.ErrorContains(t, Valid(append(v, 0xc0), 10), "1 bytes after")
	assert.ErrorIs(t, Valid([]byte{0x92, 0x01, 0xc1}, 10), ErrReservedCode)
	assert.ErrorIs(t, Valid([]byte{0xdf, 0x7f, 0xff, 0xff, 0xff}, 10), ErrTruncated)
}

// What Python's msgpack refuses, Valid refuses too: so a batch read names
// every bad id at once, in Go.
func TestValidRefusesWhatOtherClientsCannotDecode(t *testing.T) {
	for name, b := range map[string][]byte{
		"str not UTF-8":        {0x81, 0xa1, 'a', 0xa2, 0xff, 0xfe},
		"str8 not UTF-8":       {0xd9, 0x01, 0xff},
		"array as a map key":   {0x81, 0x91, 0x01, 0x02},
		"map as a map key":     {0x81, 0x80, 0x02},
		"timestamp of 3 bytes": {0xc7, 0x03, 0xff, 1, 2, 3},
		"timestamp of 2 bytes": {0xd5, 0xff, 1, 2},
	} {
		assert.ErrorIs(t, Valid(b, 10), ErrNotPortable, name)
	}
	for name, b := range map[string][]byte{
		"containers as values": {0x82, 0xa1, 'a', 0x91, 0x01, 0xa1, 'b', 0x80},
		"int key":              {0x81, 0x01, 0x02},
		"bin not UTF-8":        {0xc4, 0x01, 0xff},
		"timestamp32":          {0xd6, 0xff, 0, 0, 0, 1},
		"other ext":            {0xc7, 0x03, 0x05, 1, 2, 3},
		"UTF-8 str":            append([]byte{0xa5}, "é€"...),
	} {
		assert.NoError(t, Valid(b, 10), name)
	}
}
