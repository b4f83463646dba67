"""`nano-graphrag-redis migrate`, run as a user runs it, on single node and cluster.

The JSON source is a working dir written by nano-graphrag's own JsonKVStorage
during a real GraphRAG.insert of the sample text (offline, as in tests/e2e);
the legacy source is the same data written in the NGRAF-016 layout. Each
migrates with --verify, the data then reads back equal through the storage,
and a second run copies 0 keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cli_support import delete_legacy, raw_client, run_cli, write_legacy

from nano_graphrag_redis import SyncRedisKVStorage
from nano_graphrag_redis.cli.migrate import NamespaceResult, copy_namespace, verify_namespace
from nano_graphrag_redis.cli.sources import JsonSource

REPO = Path(__file__).resolve().parents[1]
NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")

INSERT = """
import sys
sys.path.insert(0, {examples!r})
import offline
from nano_graphrag import GraphRAG
offline.install_fake_openai()
rag = GraphRAG(working_dir={workdir!r}, **offline.offline_graphrag_kwargs())
rag.insert(offline.SAMPLE_TEXT.read_text())
"""


@pytest.fixture(scope="module")
def json_workdir(tmp_path_factory) -> Path:
    """A working dir filled by GraphRAG.insert with the default JsonKVStorage."""
    folder = subprocess.run([str(REPO / "scripts" / "fetch-tokenizer.sh")], check=True,
                            capture_output=True, text=True).stdout.strip()
    workdir = tmp_path_factory.mktemp("graphrag-json")
    code = INSERT.format(examples=str(REPO / "examples"), workdir=str(workdir))
    subprocess.run([sys.executable, "-c", code], check=True, timeout=600,
                   env={**os.environ, "TIKTOKEN_CACHE_DIR": folder})
    for ns in NAMESPACES:
        assert (workdir / f"kv_store_{ns}.json").is_file(), ns
    return workdir


def load(workdir: Path) -> dict[str, dict]:
    return {ns: json.loads((workdir / f"kv_store_{ns}.json").read_text()) for ns in NAMESPACES}


@pytest.fixture
def prefix() -> str:
    return "mig_" + uuid.uuid4().hex[:10]


def stores(url: str, prefix: str, working_dir: Path | None = None):
    """The target as the app sees it: with the app's working_dir, in the workspace derived from it."""
    config = {"redis_url": url, "redis_key_prefix": prefix}
    if working_dir is not None:
        config["working_dir"] = str(working_dir)
    return {ns: SyncRedisKVStorage(namespace=ns, global_config=config) for ns in NAMESPACES}


def assert_target_holds(url: str, prefix: str, expected: dict[str, dict], working_dir: Path | None = None) -> None:
    for ns, store in stores(url, prefix, working_dir).items():
        with store:
            assert sorted(store.all_keys()) == sorted(expected[ns]), ns
            ids = sorted(expected[ns])
            assert store.get_by_ids(ids) == [expected[ns][i] for i in ids], ns


def drop_all(url: str, prefix: str, working_dir: Path | None = None) -> None:
    for store in stores(url, prefix, working_dir).values():
        with store:
            store.drop()


def test_json_working_dir_migrates_verified_then_copies_nothing(json_workdir, redis_url, prefix):
    expected = load(json_workdir)
    total = sum(len(v) for v in expected.values())
    assert expected["llm_response_cache"] and expected["community_reports"], "the insert used the LLM"
    try:
        args = ["migrate", "--from", f"json:{json_workdir}", "--to", redis_url, "--key-prefix", prefix, "--verify",
                "--batch-size", "7"]
        first = run_cli(*args, env={"REDIS_TTL_LLM_RESPONSE_CACHE": "600"})
        assert first.returncode == 0, first.stderr
        assert f"copied {total} keys" in first.stdout
        assert f"verify: all {total} keys equal" in first.stdout
        assert "600 s" in first.stdout, "the target's TTL rule for llm_response_cache is shown"
        assert "(workspace " in first.stderr, "a json: source writes into the workspace of its folder"
        assert_target_holds(redis_url, prefix, expected, json_workdir)

        second = run_cli(*args)
        assert second.returncode == 0, second.stderr
        assert "copied 0 keys" in second.stdout
        assert f"verify: all {total} keys equal" in second.stdout

        with SyncRedisKVStorage(namespace="llm_response_cache",
                                global_config={"redis_url": redis_url, "redis_key_prefix": prefix,
                                               "redis_ttl_llm_response_cache": 600}) as cache:
            assert cache.get_stats()["ttl_seconds"] == 600
    finally:
        drop_all(redis_url, prefix, json_workdir)


def test_legacy_layout_migrates_verified_then_copies_nothing(json_workdir, redis_url, prefix):
    cluster = "cluster" in redis_url or redis_url == os.environ.get("NGR_TEST_CLUSTER_URL")
    expected = load(json_workdir)
    legacy = "legacy_" + uuid.uuid4().hex[:8]
    total = write_legacy(redis_url, cluster, legacy, expected)
    try:
        args = ["migrate", "--from", f"redis-legacy:{redis_url}", "--source-prefix", legacy,
                "--to", redis_url, "--key-prefix", prefix, "--verify"]
        first = run_cli(*args)
        assert first.returncode == 0, first.stderr
        assert f"copied {total} keys" in first.stdout
        assert f"verify: all {total} keys equal" in first.stdout
        for ns in NAMESPACES:
            assert ns in first.stdout
        assert_target_holds(redis_url, prefix, expected)
        second = run_cli(*args)
        assert second.returncode == 0, second.stderr
        assert "copied 0 keys" in second.stdout
    finally:
        delete_legacy(redis_url, cluster, legacy)
        drop_all(redis_url, prefix)


def test_our_deployment_moves_to_the_cluster_under_another_prefix(json_workdir, prefix):
    single, cluster = os.environ["NGR_TEST_REDIS_URL"], os.environ["NGR_TEST_CLUSTER_URL"]
    expected = load(json_workdir)
    seeded = run_cli("migrate", "--from", f"json:{json_workdir}", "--to", single, "--key-prefix", prefix,
                     env={"REDIS_WORKSPACE": "none"})  # the keys of a deployment from before workspaces
    assert seeded.returncode == 0, seeded.stderr
    try:
        args = ["migrate", "--from", f"redis:{single}", "--source-prefix", prefix, "--to", cluster,
                "--key-prefix", prefix + "_moved", "--verify"]
        moved = run_cli(*args)
        assert moved.returncode == 0, moved.stderr
        assert "verify: all" in moved.stdout
        assert_target_holds(cluster, prefix + "_moved", expected)
        assert "copied 0 keys" in run_cli(*args).stdout
    finally:
        drop_all(single, prefix)
        drop_all(cluster, prefix + "_moved")


def test_dry_run_counts_and_writes_nothing(json_workdir, single_url, prefix):
    expected = load(json_workdir)
    out = run_cli("migrate", "--from", f"json:{json_workdir}", "--to", single_url, "--key-prefix", prefix, "--dry-run")
    assert out.returncode == 0, out.stderr
    assert f"dry run: {sum(len(v) for v in expected.values())} keys" in out.stdout
    with SyncRedisKVStorage(namespace="full_docs", global_config={
            "redis_url": single_url, "redis_key_prefix": prefix, "working_dir": str(json_workdir)}) as store:
        assert store.count() == 0


def test_verify_reports_a_value_that_differs(json_workdir, single_url, prefix):
    source = JsonSource(json_workdir)
    store = SyncRedisKVStorage(namespace="full_docs", global_config={"redis_url": single_url, "redis_key_prefix": prefix})
    try:
        result = NamespaceResult("full_docs")
        copy_namespace(source, store, result, 100, False, lambda n: None)
        doc_id = store.all_keys()[0]
        store.upsert({doc_id: {"content": "changed behind our back"}})
        verify_namespace(source, store, result, 100, lambda n: None)
        assert result.mismatches == 1 and result.mismatched == [doc_id]
    finally:
        store.drop()
        store.close()


def test_failure_exits_1_naming_the_key_and_usage_exits_2(json_workdir, single_url, prefix):
    too_small = run_cli("migrate", "--from", f"json:{json_workdir}", "--to", single_url, "--key-prefix", prefix,
                        "--namespaces", "full_docs", env={"REDIS_MAX_VALUE_SIZE": "10"})
    assert too_small.returncode == 1
    assert "max_value_size" in too_small.stderr and "doc-" in too_small.stderr
    assert run_cli("migrate", "--from", "ftp:somewhere", "--to", single_url).returncode == 2
    assert run_cli("migrate", "--to", single_url).returncode == 2
    assert run_cli("stats", "--no-such-option").returncode == 2


def test_no_password_is_ever_printed(json_workdir, single_url):
    user, secret = "u" + uuid.uuid4().hex[:6], "s3cret-" + uuid.uuid4().hex[:6]
    admin = raw_client(single_url, cluster=False)
    admin.acl_setuser(user, enabled=True, passwords=["+right-one"], keys=["*"], commands=["+@all"])
    url = single_url.replace("redis://", f"redis://{user}:{secret}@")  # wrong password: every command fails
    try:
        for args in (["migrate", "--from", f"json:{json_workdir}", "--to", url, "--namespaces", "full_docs"],
                     ["migrate", "--from", f"redis-legacy:{url}", "--to", single_url],
                     ["stats", "--url", url], ["doctor", "--url", url]):
            out = run_cli(*args)
            assert out.returncode == 1, (args, out.stdout, out.stderr)
            assert secret not in out.stdout + out.stderr, args
    finally:
        admin.acl_deluser(user)
        admin.close()


def test_export_to_json_is_the_reverse_of_migrate_and_a_second_round_trip_is_the_same_bytes(json_workdir, redis_url,
                                                                                              prefix, tmp_path):
    expected = load(json_workdir)
    total = sum(len(v) for v in expected.values())
    first, second = tmp_path / "first", tmp_path / "second"
    try:
        assert run_cli("migrate", "--from", f"json:{json_workdir}", "--to", redis_url, "--key-prefix", prefix).returncode == 0
        out = run_cli("export", "--to", f"json:{first}", "--url", redis_url, "--key-prefix", prefix,
                      "--working-dir", str(json_workdir), "--verify", "--batch-size", "7")
        assert out.returncode == 0, out.stderr
        assert f"exported {total} keys" in out.stdout
        assert f"verify: all {total} keys equal" in out.stdout
        assert load(first) == expected, "nano-graphrag's files come back value for value"
        # Back in (into the workspace of the exported folder, the default) and out again.
        assert run_cli("migrate", "--from", f"json:{first}", "--to", redis_url,
                       "--key-prefix", prefix).returncode == 0
        again = run_cli("export", "--to", f"json:{second}", "--url", redis_url, "--key-prefix", prefix,
                        "--working-dir", str(first))
        assert again.returncode == 0, again.stderr
        for ns in NAMESPACES:
            assert (second / f"kv_store_{ns}.json").read_bytes() == (first / f"kv_store_{ns}.json").read_bytes(), ns
    finally:
        drop_all(redis_url, prefix, json_workdir)
        drop_all(redis_url, prefix, first)


def test_export_of_a_value_json_cannot_hold_fails_naming_it_and_leaves_no_file(single_url, prefix, tmp_path):
    config = {"redis_url": single_url, "redis_key_prefix": prefix, "working_dir": str(tmp_path)}
    with SyncRedisKVStorage(namespace="full_docs", global_config=config) as store:
        store.upsert({"good": {"content": "x"}, "blob": {"content": b"\x00"}})
        try:
            out = run_cli("export", "--to", f"json:{tmp_path}", "--url", single_url, "--key-prefix", prefix,
                          "--namespaces", "full_docs")
            assert out.returncode == 1
            assert "'blob'" in out.stderr and "full_docs" in out.stderr, out.stderr
            assert not list(tmp_path.glob("kv_store_full_docs.json*"))
        finally:
            store.drop()
