package storage

import (
	"github.com/klauspost/compress/zstd"
)

// compressedMarker prefixes a zstd-compressed value. 0xc1 is the one byte
// msgpack never uses ("never used" in the spec), so a stored value that
// starts with it cannot be plain msgpack; Upsert rejects input values that
// start with it.
const compressedMarker = 0xc1

// One encoder and decoder for the process: both are safe for concurrent
// EncodeAll/DecodeAll and costly to build.
var (
	zstdEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	zstdDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxMaxValueSize))
)

// encodeValue returns what is stored for value: compressed behind the marker
// when longer than threshold (> 0) and when that actually saves bytes.
func encodeValue(value []byte, threshold int) []byte {
	if threshold <= 0 || len(value) <= threshold {
		return value
	}
	out := make([]byte, 1, 1+len(value)/2)
	out[0] = compressedMarker
	out = zstdEncoder.EncodeAll(value, out)
	if len(out) >= len(value) {
		return value
	}
	return out
}

// decodeValue undoes encodeValue. Values written without compression are
// returned as they are, so the threshold can change at any time.
func decodeValue(id string, stored []byte) ([]byte, error) {
	if len(stored) == 0 || stored[0] != compressedMarker {
		return stored, nil
	}
	out, err := zstdDecoder.DecodeAll(stored[1:], nil)
	if err != nil {
		return nil, corruptValue(id, "cannot decompress: "+err.Error())
	}
	return out, nil
}
