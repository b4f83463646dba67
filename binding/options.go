package main

import (
	"encoding/json"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

// parseOptions reads the options JSON of ngr_store_open straight into
// storage.Options (storage.OptionsSchema names, kinds and bounds every key;
// an unknown key or a bad value is a *storage.ConfigError naming the key).
// It also returns the canonical JSON of the options (fixed field order, no
// whitespace), which identifies the shared client they open.
func parseOptions(data []byte) (*storage.Options, string, error) {
	opts, err := storage.DecodeOptions(data)
	if err != nil {
		return nil, "", err
	}
	canonical, err := json.Marshal(opts)
	if err != nil {
		return nil, "", err
	}
	return opts, string(canonical), nil
}
