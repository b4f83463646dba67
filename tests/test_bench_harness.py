"""The benchmark harness (bench/) on tiny sizes: it runs, every peer produces figures, the JSON has its shape.

Not a benchmark: no timing is asserted. `python -m bench --profile smoke` runs
every workload once per client on the test servers, and leaves them as it
found them (it unlinks only the keys it wrote).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report, timing, workloads
from bench.context import PROFILES
from bench.targets import TARGETS

from conftest import require_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict:
    require_env("NGR_TEST_REDIS_URL")
    require_env("NGR_TEST_CLUSTER_URL")
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    subprocess.run([sys.executable, "-m", "bench", "--profile", "smoke", "--no-progress", "--out", str(out)],
                   cwd=ROOT, check=True, timeout=600, env=os.environ.copy())
    return json.loads(out.read_text())


def test_smoke_run_records_machine_versions_and_settings(smoke: dict) -> None:
    assert smoke["schema"] == 1 and smoke["profile"] == "smoke"
    assert smoke["machine"]["cores"] >= 1
    for package in ("nano-graphrag-redis", "redis", "hiredis", "valkey-glide", "valkey-glide-sync", "coredis"):
        assert smoke["versions"][package] != "not installed", package
    assert smoke["settings"]["topologies"] == ["single", "cluster"]


def test_every_peer_produces_every_figure(smoke: dict) -> None:
    profile = PROFILES["smoke"]
    for topology in ("single", "cluster"):
        for w in filter(None, (w0.on(topology, profile) for w0 in workloads.selected(None))):
            for mode in w.modes_on(topology):
                for client in w.clients_in(mode):
                    hits = [f for f in smoke["figures"] if (f["topology"], f["face"], f["workload"], f["mode"],
                                                            f["client"]) == (topology, w.face, w.name, mode, client)]
                    assert len(hits) == w.variants(profile), (topology, w.face, w.name, mode, client)
                    for f in hits:
                        assert len(f["samples_s"]) == profile.rounds
                        assert f["median_s"] > 0 and f["ops_per_s"] > 0
                        if w.name in ("concurrent", "sync_latency"):
                            assert 0 < f["p50_ms"] <= f["p99_ms"]


def test_server_figures_and_targets(smoke: dict) -> None:
    assert smoke["memory"]["json_bytes"] > 0 and smoke["memory"]["ours_bytes"] > 0
    assert smoke["limit"]["go_upsert_s"] > 0 and smoke["limit"]["redis_benchmark_get_s"] > 0
    ids = {t["id"] for t in smoke["targets"]}
    assert {t.id for t in TARGETS} <= ids
    measured = [t for t in smoke["targets"] if t["measured"] is not None]
    assert all(t["met"] in (True, False) for t in measured)
    assert "| target |" in report.console(smoke)


def test_bench_leaves_no_keys_behind(smoke: dict) -> None:
    import redis

    for url in (os.environ["NGR_TEST_REDIS_URL"],):
        client = redis.Redis.from_url(url)
        assert list(client.scan_iter(match="*bench_*", count=10_000)) == []


def test_percentile_is_nearest_rank() -> None:
    xs = [float(i) for i in range(1, 101)]
    assert timing.percentile(xs, 50) == 50.0
    assert timing.percentile(xs, 99) == 99.0
    assert timing.percentile([3.0], 99) == 3.0


def test_splice_rewrites_only_the_generated_part() -> None:
    page = f"intro\n{report.BEGIN}\nold\n{report.END}\noutro\n"
    assert report.splice(page, "new") == f"intro\n{report.BEGIN}\nnew\n{report.END}\noutro\n"


def test_the_quick_profile_leaves_coredis_and_compression_off_the_cluster() -> None:
    quick = PROFILES["quick"]
    by_name = {w.name: w for w in workloads.selected(None) if w.face == "async"}
    assert "coredis" not in by_name["upsert"].on("cluster", quick).clients
    assert "coredis" in by_name["upsert"].on("single", quick).clients
    assert "coredis" in by_name["upsert"].on("cluster", PROFILES["full"]).clients
    assert by_name["zstd_get"].on("cluster", quick) is None and by_name["zstd_get"].on("single", quick) is not None


def test_every_client_has_a_chart_colour() -> None:
    from bench.charts import COLORS
    from bench.peers import LABELS

    assert set(LABELS) <= set(COLORS)  # a client without one stopped `make bench` at its charts
