package storage

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testWorkspaces: two workspaces under one prefix keep their index
// namespaces apart and share llm_response_cache; no workspace is the layout
// of keys written before workspaces, so old data stays readable.
func testWorkspaces(t *testing.T, srv server) {
	ctx := context.Background()
	prefix := "ngrtest_" + randomHex(6)
	client := func(workspace string, shared []string) *Client {
		return newTestClient(t, srv.url, func(o *Options) {
			o.KeyPrefix, o.Workspace, o.SharedNamespaces = prefix, workspace, shared
		})
	}
	a, b, none := client("wa", nil), client("wb", nil), client("", nil)
	private := client("wa", []string{})
	docsA, docsB := newTestNamespace(t, a, "full_docs"), newTestNamespace(t, b, "full_docs")
	docsNone := newTestNamespace(t, none, "full_docs")
	cacheA, cacheB := newTestNamespace(t, a, "llm_response_cache"), newTestNamespace(t, b, "llm_response_cache")
	cacheNone := newTestNamespace(t, none, "llm_response_cache")
	cachePrivate := newTestNamespace(t, private, "llm_response_cache")

	_, err := docsA.Upsert(ctx, []Item{{"doc", mp(t, "from a")}})
	require.NoError(t, err)
	_, err = docsNone.Upsert(ctx, []Item{{"doc", mp(t, "legacy")}})
	require.NoError(t, err)
	for ns, want := range map[*Namespace]any{docsA: "from a", docsB: nil, docsNone: "legacy"} {
		got, err := ns.Get(ctx, "doc")
		require.NoError(t, err)
		if want == nil {
			assert.Nil(t, got)
		} else {
			assert.Equal(t, want, unmp(t, got))
		}
	}
	missing, err := docsB.FilterMissing(ctx, []string{"doc"})
	require.NoError(t, err)
	assert.Equal(t, []string{"doc"}, missing)

	_, err = cacheA.Upsert(ctx, []Item{{"prompt-hash", mp(t, "answer")}})
	require.NoError(t, err)
	for _, ns := range []*Namespace{cacheB, cacheNone} {
		got, err := ns.Get(ctx, "prompt-hash")
		require.NoError(t, err)
		assert.Equal(t, "answer", unmp(t, got))
	}
	got, err := cachePrivate.Get(ctx, "prompt-hash")
	require.NoError(t, err)
	assert.Nil(t, got, "shared_namespaces=[] keys the cache by workspace too")

	bucket := func(id string) string { return strconv.Itoa(bucketOf(id)) }
	rc := rawClient(t, srv)
	assert.ElementsMatch(t, []string{
		prefix + ":wa:{full_docs:" + bucket("doc") + "}:v:doc",
		prefix + ":wa:{full_docs:" + bucket("doc") + "}:i",
		prefix + ":{full_docs:" + bucket("doc") + "}:v:doc",
		prefix + ":{full_docs:" + bucket("doc") + "}:i",
		prefix + ":{llm_response_cache:" + bucket("prompt-hash") + "}:v:prompt-hash",
		prefix + ":{llm_response_cache:" + bucket("prompt-hash") + "}:i",
	}, rawKeys(t, rc, prefix+":*"))

	stats, err := docsA.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, "wa", stats.Workspace)
	assert.EqualValues(t, 1, stats.Keys)
	stats, err = cacheA.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, "", stats.Workspace)
}
