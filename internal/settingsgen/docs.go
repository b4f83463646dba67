package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nanographrag/nano-graphrag-redis/storage"
)

const (
	tableBegin = "<!-- BEGIN settings table: generated from storage/settings.go by `go generate ./storage`; do not edit -->"
	tableEnd   = "<!-- END settings table -->"
)

func renderTable(s storage.Schema) string {
	var b strings.Builder
	b.WriteString("| environment | wire key | default | accepted | meaning |\n|---|---|---|---|---|\n")
	for _, st := range s.Settings {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", envNames(&st), st.Key, defaultText(&st), accepted(&st), st.Doc)
	}
	return b.String()
}

func envNames(st *storage.Setting) string {
	if st.Kind == storage.KindTTLs {
		return "`" + st.Env[0] + "_<NAMESPACE>`"
	}
	return "`" + strings.Join(st.Env, "`, `") + "`"
}

func defaultText(st *storage.Setting) string {
	if st.DefaultDoc != "" {
		return st.DefaultDoc
	}
	switch d := st.Default.(type) {
	case nil:
		return "none"
	case time.Duration:
		return "`" + storage.FormatNumber(d.Seconds()) + "`"
	default:
		return fmt.Sprintf("`%v`", d)
	}
}

// accepted says which values pass the checks, from the kind and bounds.
func accepted(st *storage.Setting) string {
	var parts []string
	switch st.Kind {
	case storage.KindBool:
		parts = append(parts, "true/false")
	case storage.KindEnum:
		parts = append(parts, "`"+strings.Join(st.Choices, "`, `")+"`")
	case storage.KindPath:
		parts = append(parts, "an existing file")
	case storage.KindURL:
		parts = append(parts, "a URL (see below)")
	case storage.KindAddrs:
		parts = append(parts, "`host:port` list")
	case storage.KindNames:
		parts = append(parts, "namespace list")
	case storage.KindInt, storage.KindSeconds, storage.KindTTLs:
		if st.Bounded() {
			parts = append(parts, storage.FormatNumber(st.Min)+" to "+storage.FormatNumber(st.Max))
		}
		if st.Zero != "" && st.Zero == st.Negative {
			parts = append(parts, "0 or negative = "+st.Zero)
		} else {
			if st.Zero != "" {
				parts = append(parts, "0 = "+st.Zero)
			}
			if st.Negative != "" {
				parts = append(parts, "negative = "+st.Negative)
			}
		}
	default:
		parts = append(parts, "text")
	}
	if st.Forbid != "" {
		parts = append(parts, "without "+strings.Join(strings.Split(st.Forbid, ""), " or "))
	}
	return strings.Join(parts, "; ")
}

// spliceTable replaces what lies between the markers of doc with table.
func spliceTable(doc, table string) (string, error) {
	begin := strings.Index(doc, tableBegin)
	end := strings.Index(doc, tableEnd)
	if begin < 0 || end < begin {
		return "", errors.New("no settings table markers (" + tableBegin + " ... " + tableEnd + ")")
	}
	return doc[:begin+len(tableBegin)] + "\n" + table + doc[end:], nil
}
