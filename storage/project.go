package storage

import (
	"bytes"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// project keeps only the requested top-level keys of a msgpack map. Only the
// top level is decoded: each entry's key is read, and the value is copied as
// raw bytes (kept) or skipped, never decoded into Go values. A value that is
// not a map is returned unchanged (nano-graphrag only projects dicts).
func project(id string, value []byte, fields map[string]struct{}) ([]byte, error) {
	if len(value) == 0 || !isMapCode(value[0]) {
		return value, nil
	}
	dec := msgpack.NewDecoder(bytes.NewReader(value))
	n, err := dec.DecodeMapLen()
	if err != nil {
		return nil, corruptValue(id, "cannot decode map header: "+err.Error())
	}
	type entry struct{ key, val msgpack.RawMessage }
	kept := make([]entry, 0, min(n, len(fields)))
	for i := 0; i < n; i++ {
		key, err := dec.DecodeRaw()
		if err != nil {
			return nil, corruptValue(id, "cannot decode map key: "+err.Error())
		}
		// A key that is not a string can never match a field name.
		var name string
		isString := msgpack.Unmarshal(key, &name) == nil
		if _, wanted := fields[name]; !isString || !wanted {
			if err := dec.Skip(); err != nil {
				return nil, corruptValue(id, "cannot skip map value: "+err.Error())
			}
			continue
		}
		val, err := dec.DecodeRaw()
		if err != nil {
			return nil, corruptValue(id, "cannot decode map value: "+err.Error())
		}
		kept = append(kept, entry{key, val})
	}
	var out bytes.Buffer
	out.Grow(len(value))
	enc := msgpack.NewEncoder(&out)
	if err := enc.EncodeMapLen(len(kept)); err != nil {
		return nil, err
	}
	for _, e := range kept {
		out.Write(e.key)
		out.Write(e.val)
	}
	return out.Bytes(), nil
}

func isMapCode(c byte) bool {
	return msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32
}

// fieldSet turns the requested fields into a set; nil means no projection.
func fieldSet(fields []string) map[string]struct{} {
	if fields == nil {
		return nil
	}
	set := make(map[string]struct{}, len(fields))
	for _, f := range fields {
		set[f] = struct{}{}
	}
	return set
}
