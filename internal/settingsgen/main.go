// Command settingsgen writes what is generated from storage.OptionsSchema:
// the Python spec module that _config.py checks settings with, and the
// settings table of docs/configuration.md (between its markers). Run it
// through `go generate ./storage`; its tests fail while either is stale.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

func main() {
	python := flag.String("python", "", "path of the Python spec module to write")
	docs := flag.String("docs", "", "path of the Markdown file whose settings table to replace")
	flag.Parse()
	if err := generate(storage.OptionsSchema, *python, *docs); err != nil {
		fmt.Fprintln(os.Stderr, "settingsgen:", err)
		os.Exit(1)
	}
}

func generate(s storage.Schema, pythonPath, docsPath string) error {
	if pythonPath != "" {
		if err := os.WriteFile(pythonPath, []byte(renderPython(s)), 0o644); err != nil {
			return err
		}
	}
	if docsPath != "" {
		doc, err := os.ReadFile(docsPath)
		if err != nil {
			return err
		}
		updated, err := spliceTable(string(doc), renderTable(s))
		if err != nil {
			return fmt.Errorf("%s: %w", docsPath, err)
		}
		return os.WriteFile(docsPath, []byte(updated), 0o644)
	}
	return nil
}
