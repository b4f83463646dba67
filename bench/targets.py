"""Issue #7's targets, each evaluated as a median ratio from one run's results.

Every ratio reads "how many times better ours is" (peer time / our time), so
a goal is always a lower bound, except the slowdowns (interleaved or app mode
against back-to-back) and memory, which are upper bounds. A target whose
figures were not measured (a subset run) has measured = None and met = None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .results import figure

Doc = dict[str, Any]


@dataclass(frozen=True)
class Target:
    id: str
    text: str
    goal: float
    measure: Callable[[Doc, str], float | None]  # (doc, topology) -> ratio
    at_most: bool = False  # the goal is an upper bound
    on_cluster: bool = True  # also checked as "cluster within 20% of single"

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.goal if self.at_most else value >= self.goal


def _median(doc: Doc, topology: str, **match: Any) -> float | None:
    f = figure(doc, topology=topology, **match)
    return None if f is None else f["median_s"]


def speedup(workload: str, face: str, peer: str, **match: Any) -> Callable[[Doc, str], float | None]:
    """Peer's median time / ours, interleaved mode."""

    def measure(doc: Doc, topology: str) -> float | None:
        ours = _median(doc, topology, workload=workload, face=face, client="ours", mode="interleaved", **match)
        theirs = _median(doc, topology, workload=workload, face=face, client=peer, mode="interleaved", **match)
        return None if ours is None or theirs is None else theirs / ours

    return measure


def slowdown(workload: str, face: str, mode: str) -> Callable[[Doc, str], float | None]:
    """Our median time in `mode` / ours back to back."""

    def measure(doc: Doc, topology: str) -> float | None:
        m = _median(doc, topology, workload=workload, face=face, client="ours", mode=mode)
        b2b = _median(doc, topology, workload=workload, face=face, client="ours", mode="back_to_back")
        return None if m is None or b2b is None else m / b2b

    return measure


def ops_per_s(workload: str, **match: Any) -> Callable[[Doc, str], float | None]:
    def measure(doc: Doc, topology: str) -> float | None:
        f = figure(doc, topology=topology, workload=workload, client="ours", mode="interleaved", **match)
        return None if f is None else f["ops_per_s"]

    return measure


def p50_speedup(peer: str) -> Callable[[Doc, str], float | None]:
    def measure(doc: Doc, topology: str) -> float | None:
        ours = figure(doc, topology=topology, workload="sync_latency", client="ours")
        theirs = figure(doc, topology=topology, workload="sync_latency", client=peer)
        return None if ours is None or theirs is None else theirs["p50_ms"] / ours["p50_ms"]

    return measure


def section(name: str, key: str) -> Callable[[Doc, str], float | None]:
    def measure(doc: Doc, topology: str) -> float | None:
        return doc.get(name, {}).get(key) if topology == "single" else None

    return measure


def _targets() -> list[Target]:
    out = []
    for face in ("async", "sync"):
        glide = "GLIDE sync" if face == "sync" else "GLIDE"
        for op, label in (("upsert", "upsert 10k"), ("get", "get_by_ids 10k")):
            out += [
                Target(f"{face}-{op}-vs-lightrag", f"{face} {label}: ≥ 4x redis-py LightRAG style", 4.0,
                       speedup(op, face, "redispy_lightrag")),
                Target(f"{face}-{op}-vs-glide", f"{face} {label}: ≥ 2x {glide}", 2.0, speedup(op, face, "glide")),
            ]
            for mode, what in (("interleaved", "clients interleaved"), ("app", "Python work in between")):
                out.append(Target(f"{face}-{op}-{mode}-vs-b2b",
                                  f"{face} {label}, {what}: within 15% of back to back", 1.15,
                                  slowdown(op, face, mode), at_most=True, on_cluster=False))
    out += [
        Target("go-upsert-vs-limit", "Go core upsert 10k: ≥ 60% of redis-benchmark -P 64 SET", 0.6,
               section("limit", "go_upsert_vs_limit"), on_cluster=False),
        Target("go-get-vs-limit", "Go core get 10k: ≥ 60% of redis-benchmark -P 64 GET", 0.6,
               section("limit", "go_get_vs_limit"), on_cluster=False),
        Target("c256-ops", "get_by_id, 256 concurrent tasks: ≥ 100k ops/s", 100_000,
               ops_per_s("concurrent", concurrency=256), on_cluster=False),
        Target("c256-vs-glide", "get_by_id, 256 concurrent tasks: ≥ 4x GLIDE", 4.0,
               speedup("concurrent", "async", "glide", concurrency=256)),
        Target("c256-vs-redispy", "get_by_id, 256 concurrent tasks: ≥ 6x redis.asyncio", 6.0,
               speedup("concurrent", "async", "redispy_mget", concurrency=256)),
        Target("sync-p50-vs-redispy", "sync get_by_id: p50 no slower than redis-py", 1.0, p50_speedup("redispy_mget")),
        Target("memory-vs-json", "Redis memory for 10k chunks: ≤ 60% of the JSON layout", 0.6,
               section("memory", "ours_vs_json"), at_most=True, on_cluster=False),
        # What would decide compression by default (off today): memory above, batch speed here, as
        # ours_zstd's time / ours' (speedup's "peer" is the zstd variant, so the goal is an upper bound).
        Target("zstd-upsert-cost", "zstd above 1 KB, async upsert 10k: ≤ 10% slower than without", 1.10,
               speedup("zstd_upsert", "async", "ours_zstd"), at_most=True, on_cluster=False),
        Target("zstd-get-cost", "zstd above 1 KB, async get_by_ids 10k: ≤ 10% slower than without", 1.10,
               speedup("zstd_get", "async", "ours_zstd"), at_most=True, on_cluster=False),
    ]
    return out


TARGETS = _targets()
CLUSTER_WITHIN = 0.8  # a cluster ratio at least 80% of its single-node value ("within 20%")


def evaluate(doc: Doc) -> list[dict[str, Any]]:
    """One row per target on the single node, and one per ratio target for the cluster: there
    `measured` is cluster ratio / single-node ratio, and `ratio` the cluster's own ratio."""
    rows = []
    for t in TARGETS:
        single = t.measure(doc, "single")
        rows.append({"id": t.id, "target": t.text, "topology": "single", "goal": t.goal, "at_most": t.at_most,
                     "measured": single, "met": t.met(single)})
        if not t.on_cluster:
            continue
        cluster = t.measure(doc, "cluster")
        kept = None if cluster is None or single is None else cluster / single
        rows.append({"id": t.id + "-cluster", "target": f"cluster: {t.text}, within 20% of single node",
                     "topology": "cluster", "goal": CLUSTER_WITHIN, "at_most": False, "measured": kept,
                     "met": None if kept is None else kept >= CLUSTER_WITHIN,
                     "ratio": cluster, "ratio_met": t.met(cluster)})
    return rows
