package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandleTableAddGetRemove(t *testing.T) {
	tbl := newHandleTable()
	a, b := tbl.add("a"), tbl.add(42)
	assert.NotEqual(t, a, b)
	assert.Equal(t, 2, tbl.len())

	s, err := lookup[string](tbl, a)
	require.NoError(t, err)
	assert.Equal(t, "a", s)

	_, err = lookup[string](tbl, b) // wrong kind
	assert.ErrorIs(t, err, errBadHandle)

	v, ok := tbl.remove(a)
	assert.True(t, ok)
	assert.Equal(t, "a", v)
	_, ok = tbl.remove(a)
	assert.False(t, ok)
	_, err = lookup[string](tbl, a)
	assert.ErrorIs(t, err, errBadHandle)
	assert.Equal(t, 1, tbl.len())
}

func TestHandlesAreNeverReused(t *testing.T) {
	tbl := newHandleTable()
	h := tbl.add(1)
	tbl.remove(h)
	assert.Greater(t, tbl.add(2), h)
}
