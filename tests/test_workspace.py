"""Workspaces through the Python faces: the default follows working_dir, old keys stay reachable."""

from __future__ import annotations

from conftest import make_face


def config(redis_url: str, **addon) -> dict:
    return {"addon_params": {"redis_url": redis_url, "redis_key_prefix": "ngr_ws_test", **addon}}


async def test_data_written_before_workspaces_is_read_with_workspace_none(face, redis_url, namespace, tmp_path):
    legacy = make_face(face, namespace, config(redis_url))  # no working_dir: the keys of before
    graph = {**config(redis_url), "working_dir": str(tmp_path)}
    explicit = {**config(redis_url, redis_workspace="none"), "working_dir": str(tmp_path)}
    stores = [make_face(face, namespace, c) for c in (graph, explicit)]
    try:
        await legacy.upsert({"doc-1": {"content": "old"}})
        assert await stores[0].get_by_id("doc-1") is None  # a GraphRAG's own workspace starts empty
        assert await stores[1].get_by_id("doc-1") == {"content": "old"}
        assert (await stores[0].get_stats())["workspace"] == stores[0].store.settings.workspace != ""
        assert (await stores[1].get_stats())["workspace"] == ""
    finally:
        await legacy.drop()
        for store in (legacy, *stores):
            await store.close()


async def test_llm_cache_is_shared_across_working_dirs(face, redis_url, namespace, tmp_path):
    key = f"prompt-{namespace}"  # unique: the shared namespace is the real one
    one, two = (make_face(face, "llm_response_cache", {**config(redis_url), "working_dir": str(tmp_path / d)})
                for d in ("one", "two"))
    try:
        await one.upsert({key: {"return": "paid once", "model": "m"}})
        assert await two.get_by_id(key) == {"return": "paid once", "model": "m"}
    finally:
        await one.delete_by_id(key)
        await one.close()
        await two.close()
