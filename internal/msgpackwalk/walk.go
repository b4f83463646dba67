// Package msgpackwalk finds where msgpack objects end without decoding them
// and without recursion, so hostile bytes (a value nested five million levels
// deep, a header claiming four billion entries) cost neither stack nor memory:
// the walk keeps one counter, and a header may never promise more elements
// than there are bytes left to hold them.
package msgpackwalk

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrTruncated is returned when the bytes end inside an object, or a header
// claims more elements or bytes than remain.
var ErrTruncated = errors.New("msgpack: truncated or length beyond the input")

// ErrReservedCode is returned for 0xc1, the one code msgpack never uses.
var ErrReservedCode = errors.New("msgpack: reserved code 0xc1")

// Skip returns the offset just past the one complete object that starts at
// b[pos].
func Skip(b []byte, pos int) (int, error) {
	pending := 1 // objects still to walk, including nested elements
	for pending > 0 {
		if pos >= len(b) {
			return 0, ErrTruncated
		}
		size, elems, err := header(b, pos)
		if err != nil {
			return 0, err
		}
		if size > len(b)-pos {
			return 0, fmt.Errorf("%w: code 0x%02x at offset %d", ErrTruncated, b[pos], pos)
		}
		pos += size
		pending += elems - 1
		// every pending element needs at least one byte: refuse early, and
		// keep pending within the input's length (no overflow)
		if pending > len(b)-pos {
			return 0, fmt.Errorf("%w: %d elements left, %d bytes", ErrTruncated, pending, len(b)-pos)
		}
	}
	return pos, nil
}

// MapLen reads a map header at b[pos]: the number of entries and the offset
// of the first key. ok is false when b[pos] is not a map header; a map whose
// entries cannot fit in the remaining bytes is ErrTruncated.
func MapLen(b []byte, pos int) (n, next int, ok bool, err error) {
	if pos >= len(b) {
		return 0, 0, false, ErrTruncated
	}
	c := b[pos]
	if !isMapCode(c) {
		return 0, 0, false, nil
	}
	size, elems, err := header(b, pos)
	if err != nil {
		return 0, 0, true, err
	}
	if size > len(b)-pos || elems > len(b)-pos-size {
		return 0, 0, true, fmt.Errorf("%w: map of %d entries in %d bytes", ErrTruncated, elems/2, len(b)-pos)
	}
	return elems / 2, pos + size, true, nil
}

// header returns the byte size of the object's own part starting at b[pos]
// (code, length fields and payload) and how many nested elements follow it
// (2 per map entry). Lengths are read only when present; size may exceed the
// input, which the caller checks.
func header(b []byte, pos int) (size, elems int, err error) {
	c := b[pos]
	switch {
	case c <= 0x7f || c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3: // fixints, nil, bools
		return 1, 0, nil
	case c <= 0x8f: // fixmap
		return 1, 2 * int(c&0x0f), nil
	case c <= 0x9f: // fixarray
		return 1, int(c & 0x0f), nil
	case c <= 0xbf: // fixstr
		return 1 + int(c&0x1f), 0, nil
	}
	switch c {
	case 0xc1:
		return 0, 0, ErrReservedCode
	case 0xca:
		return 5, 0, nil
	case 0xcb:
		return 9, 0, nil
	case 0xcc, 0xd0:
		return 2, 0, nil
	case 0xcd, 0xd1:
		return 3, 0, nil
	case 0xce, 0xd2:
		return 5, 0, nil
	case 0xcf, 0xd3:
		return 9, 0, nil
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16 (+ code and type)
		return 2 + 1<<(c-0xd4), 0, nil
	}
	n, width, err := length(b, pos, c)
	if err != nil {
		return 0, 0, err
	}
	switch c {
	case 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb: // bin, str
		return 1 + width + n, 0, nil
	case 0xc7, 0xc8, 0xc9: // ext: length, type byte, payload
		return 2 + width + n, 0, nil
	case 0xdc, 0xdd: // array16, array32
		return 1 + width, n, nil
	default: // map16, map32
		return 1 + width, 2 * n, nil
	}
}

// length reads the big-endian length field that follows code c.
func length(b []byte, pos int, c byte) (n, width int, err error) {
	switch c {
	case 0xc4, 0xc7, 0xd9:
		width = 1
	case 0xc5, 0xc8, 0xda, 0xdc, 0xde:
		width = 2
	default: // 0xc6, 0xc9, 0xdb, 0xdd, 0xdf
		width = 4
	}
	if width > len(b)-pos-1 {
		return 0, 0, ErrTruncated
	}
	for _, x := range b[pos+1 : pos+1+width] {
		n = n<<8 | int(x)
	}
	return n, width, nil
}

// ErrTooDeep is returned by Valid for containers nested beyond its limit.
var ErrTooDeep = errors.New("msgpack: nested too deep")

// ErrNotPortable is returned by Valid for msgpack that other decoders
// refuse: a str that is not UTF-8, a map key that is an array or a map
// (unhashable in Python), a timestamp extension of a wrong length.
var ErrNotPortable = errors.New("msgpack: not decodable by every client")

// Valid reports whether b is exactly one well-formed msgpack object nested
// at most maxDepth containers deep, that every client can decode (see
// ErrNotPortable). It keeps one counter per open container, so its memory is
// bounded by maxDepth whatever b claims.
func Valid(b []byte, maxDepth int) error {
	var open []int   // elements still to come in each open container
	var inMap []bool // whether that container is a map
	pos := 0
	for {
		if pos >= len(b) {
			return ErrTruncated
		}
		size, elems, err := header(b, pos)
		if err != nil {
			return err
		}
		if size > len(b)-pos || elems > len(b)-pos-size {
			return fmt.Errorf("%w: code 0x%02x at offset %d", ErrTruncated, b[pos], pos)
		}
		isKey := len(open) > 0 && inMap[len(open)-1] && open[len(open)-1]%2 == 0
		if err := portable(b[pos:pos+size], isKey); err != nil {
			return fmt.Errorf("%w: %s at offset %d", ErrNotPortable, err, pos)
		}
		pos += size
		if elems > 0 {
			if len(open) == maxDepth {
				return fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxDepth)
			}
			open, inMap = append(open, elems), append(inMap, isMapCode(b[pos-size]))
			continue
		}
		for len(open) > 0 { // the object is complete: so may be its parents
			open[len(open)-1]--
			if open[len(open)-1] > 0 {
				break
			}
			open, inMap = open[:len(open)-1], inMap[:len(inMap)-1]
		}
		if len(open) == 0 {
			if pos != len(b) {
				return fmt.Errorf("msgpack: %d bytes after the object", len(b)-pos)
			}
			return nil
		}
	}
}

// portable checks one object's own bytes (obj: code, lengths, payload).
func portable(obj []byte, isKey bool) error {
	c := obj[0]
	switch {
	case isKey && (isMapCode(c) || c >= 0x90 && c <= 0x9f || c == 0xdc || c == 0xdd):
		return errors.New("a map key that is an array or a map")
	case c >= 0xa0 && c <= 0xbf || c >= 0xd9 && c <= 0xdb:
		if !utf8.Valid(obj[strHeaderLen(c):]) {
			return errors.New("a str that is not UTF-8")
		}
	}
	if t, n, ok := extType(obj); ok && t == -1 && n != 4 && n != 8 && n != 12 {
		return errors.New("a timestamp extension of a wrong length")
	}
	return nil
}

func isMapCode(c byte) bool { return c >= 0x80 && c <= 0x8f || c == 0xde || c == 0xdf }

// strHeaderLen is the size of a str's code and length field.
func strHeaderLen(c byte) int {
	switch c {
	case 0xd9:
		return 2
	case 0xda:
		return 3
	case 0xdb:
		return 5
	}
	return 1 // fixstr
}

// extType returns an ext object's type and payload length.
func extType(obj []byte) (typ int8, n int, ok bool) {
	switch c := obj[0]; {
	case c >= 0xd4 && c <= 0xd8: // fixext: code, type, payload
		return int8(obj[1]), len(obj) - 2, true
	case c >= 0xc7 && c <= 0xc9: // ext 8/16/32: code, length, type, payload
		w := 1 << (c - 0xc7)
		return int8(obj[1+w]), len(obj) - 2 - w, true
	}
	return 0, 0, false
}
