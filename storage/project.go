package storage

import (
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/nanographrag/nano-graphrag-redis/internal/msgpackwalk"
)

// projector keeps only the requested top-level keys of msgpack maps. Only
// the top level is walked: each key and value is skipped with msgpackwalk
// (no recursion, so a hostile value nested millions deep costs neither stack
// nor memory), and a wanted entry (its key and value are contiguous) is
// sliced from the input, never decoded into Go values. One projector serves
// every value of a GetMany call, and each output is one allocation of its
// exact size. A value that is not a map is returned unchanged (nano-graphrag
// only projects dicts).
type projector struct {
	fields map[string]struct{}
	kept   [][2]int // [start, end) of each wanted entry in the current value
}

// newProjector returns nil for nil fields: no projection.
func newProjector(fields []string) *projector {
	if fields == nil {
		return nil
	}
	p := &projector{fields: make(map[string]struct{}, len(fields))}
	for _, f := range fields {
		p.fields[f] = struct{}{}
	}
	return p
}

func (p *projector) project(id string, value []byte) ([]byte, error) {
	if len(value) == 0 {
		return value, nil
	}
	n, pos, isMap, err := msgpackwalk.MapLen(value, 0)
	if !isMap {
		return value, nil
	}
	if err != nil {
		return nil, corruptValue(id, "cannot decode map header: "+err.Error())
	}
	p.kept = p.kept[:0]
	size := 0
	for i := 0; i < n; i++ {
		start := pos
		if pos, err = msgpackwalk.Skip(value, pos); err != nil {
			return nil, corruptValue(id, "cannot decode map key: "+err.Error())
		}
		wanted := p.wanted(value[start:pos])
		if pos, err = msgpackwalk.Skip(value, pos); err != nil {
			return nil, corruptValue(id, "cannot skip map value: "+err.Error())
		}
		if wanted {
			p.kept = append(p.kept, [2]int{start, pos})
			size += pos - start
		}
	}
	out := appendMapLen(make([]byte, 0, 5+size), len(p.kept))
	for _, k := range p.kept {
		out = append(out, value[k[0]:k[1]]...)
	}
	return out, nil
}

// wanted reports whether the raw map key is one of the fields. A key that
// does not decode to a string can never match.
func (p *projector) wanted(key []byte) bool {
	if name, ok := strPayload(key); ok {
		_, found := p.fields[string(name)] // no allocation for a map lookup
		return found
	}
	var name string // bin, nil and other codes: as msgpack decodes them
	if msgpack.Unmarshal(key, &name) != nil {
		return false
	}
	_, found := p.fields[name]
	return found
}

// strPayload returns the bytes of a msgpack str (the common key form)
// without copying; ok is false for any other type.
func strPayload(raw []byte) (payload []byte, ok bool) {
	switch c := raw[0]; {
	case msgpcode.IsFixedString(c):
		return raw[1:], true
	case c == msgpcode.Str8:
		return raw[2:], true
	case c == msgpcode.Str16:
		return raw[3:], true
	case c == msgpcode.Str32:
		return raw[5:], true
	}
	return nil, false
}

// appendMapLen appends the shortest msgpack map header for n entries, as
// msgpack.Encoder.EncodeMapLen writes it.
func appendMapLen(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, msgpcode.FixedMapLow|byte(n))
	case n <= 0xffff:
		return append(b, msgpcode.Map16, byte(n>>8), byte(n))
	}
	return append(b, msgpcode.Map32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
