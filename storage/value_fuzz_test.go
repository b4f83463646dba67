package storage

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/nanographrag/nano-graphrag-redis/internal/msgpackwalk"
)

// FuzzProject: whatever bytes are stored, projecting them on some fields
// gives a corrupt-value error naming the id, or a value; for a map, the
// result is one complete msgpack map holding only wanted keys.
func FuzzProject(f *testing.F) {
	good, _ := msgpack.Marshal(map[string]any{"a": 1, "b": []any{"x", map[string]any{"c": nil}}})
	f.Add("a,b", good)
	f.Add("b", []byte("\x82\xa1a\x91\x91\x91\xc0\xa1b\x01")) // the shape, shallow
	f.Add("b", append(append([]byte("\x82\xa1a"), bytes.Repeat([]byte{0x91}, 100_000)...), "\xc0\xa1b\x01"...))
	f.Add("", []byte("\xdf\x7f\xff\xff\xff"))
	f.Add("x", []byte("\x81\xa1x"))
	f.Fuzz(func(t *testing.T, fieldList string, value []byte) {
		fields := strings.Split(fieldList, ",")
		out, err := newProjector(fields).project("the-id", value)
		if err != nil {
			if !errors.Is(err, ErrCorruptValue) || !strings.Contains(err.Error(), "the-id") {
				t.Fatalf("project(%x): %v is not a corrupt-value error naming the id", value, err)
			}
			return
		}
		if _, _, isMap, _ := msgpackwalk.MapLen(value, 0); !isMap {
			if !bytes.Equal(out, value) {
				t.Fatalf("a non-map %x came back changed: %x", value, out)
			}
			return
		}
		dec := msgpack.NewDecoder(bytes.NewReader(out))
		n, err := dec.DecodeMapLen()
		if err != nil {
			t.Fatalf("projection %x is not a map: %v", out, err)
		}
		for i := 0; i < n; i++ {
			key, err := dec.DecodeInterface()
			if err != nil {
				t.Fatalf("projection %x: key %d: %v", out, i, err)
			}
			if !wantedKey(key, fields) {
				t.Fatalf("projection %x kept key %#v, not in %q", out, key, fields)
			}
			if err := dec.Skip(); err != nil {
				t.Fatalf("projection %x: value %d: %v", out, i, err)
			}
		}
		if _, err := dec.PeekCode(); err == nil {
			t.Fatalf("projection %x has trailing bytes", out)
		}
	})
}

func wantedKey(key any, fields []string) bool {
	var name string
	switch k := key.(type) {
	case string:
		name = k
	case []byte:
		name = string(k)
	case nil:
	default:
		return false
	}
	for _, f := range fields {
		if f == name {
			return true
		}
	}
	return false
}

// FuzzDecodeValue: whatever bytes are stored, decompression gives an error
// (which Get and GetMany turn into a CorruptValuesError naming the id) or at
// most max_value_size bytes; a compressed value's bytes survive a round trip
// through encodeValue.
func FuzzDecodeValue(f *testing.F) {
	plain, _ := msgpack.Marshal(map[string]any{"content": strings.Repeat("chunk text ", 200)})
	f.Add(plain)
	f.Add(encodeValue(plain, 1))
	f.Add([]byte{compressedMarker})
	f.Add([]byte{compressedMarker, 0x28, 0xb5, 0x2f, 0xfd})
	f.Add(append([]byte{compressedMarker}, encodeValue(plain, 1)[1:20]...)) // truncated frame
	const maxSize = 1 << 20
	dec, err := newValueDecoder(maxSize)
	if err != nil {
		f.Fatal(err)
	}
	n := &Namespace{c: &Client{opts: Options{MaxValueSize: maxSize}, zstd: dec}, name: "ns"}
	f.Fuzz(func(t *testing.T, stored []byte) {
		out, err := n.decodeValue(stored)
		if err != nil {
			return
		}
		if len(out) > maxSize && len(stored) > 0 && stored[0] == compressedMarker {
			t.Fatalf("%d bytes decompressed, above max_value_size %d", len(out), maxSize)
		}
		if len(stored) == 0 || stored[0] != compressedMarker {
			if !bytes.Equal(out, stored) {
				t.Fatalf("an uncompressed value came back changed")
			}
			return
		}
		again, err := n.decodeValue(encodeValue(out, 1))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("round trip of %d decompressed bytes failed: %v", len(out), err)
		}
	})
}
