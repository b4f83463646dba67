package storage

import (
	"errors"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// compressedMarker prefixes a zstd-compressed value. 0xc1 is the one byte
// msgpack never uses ("never used" in the spec), so a stored value that
// starts with it cannot be plain msgpack; Upsert rejects input values that
// start with it.
const compressedMarker = 0xc1

// One encoder for the process: safe for concurrent EncodeAll and costly to
// build. Decoders are per Client (newValueDecoder), because each stops at
// that client's MaxValueSize.
var zstdEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))

// newValueDecoder returns a decoder (safe for concurrent DecodeAll) that
// stops with an error once its output passes maxSize, checked per block of
// at most 128 KiB: a stored "decompression bomb" (13 KB that inflate to
// 400 MB) costs at most maxSize plus one block, never what it claims.
func newValueDecoder(maxSize int) (*zstd.Decoder, error) {
	return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(uint64(maxSize)))
}

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
func (n *Namespace) decodeValue(stored []byte) ([]byte, error) {
	if len(stored) == 0 || stored[0] != compressedMarker {
		return stored, nil
	}
	out, err := n.c.zstd.DecodeAll(stored[1:], nil)
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) {
		return nil, fmt.Errorf("decompresses to more than max_value_size %d bytes", n.c.opts.MaxValueSize)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot decompress: %w", err)
	}
	return out, nil
}
