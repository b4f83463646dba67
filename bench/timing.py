"""How each figure is timed: clients interleaved in rounds, medians, percentiles.

Three schedules over the same cases (one case = one client doing one workload):
- interleaved: every round runs each client once, the order rotating by one
  each round (ours, peer1, peer2 / peer1, peer2, ours / ...). Each client
  then runs right after other clients have churned the heap and the server, as in a
  process that uses more than one library. The headline figures.
- back_to_back: each client runs all its rounds in a row, nothing in between:
  the best case, the one a naive benchmark shows.
- app: interleaved, plus allocation-heavy Python work (python_work) before
  every timed call, as a real application does between storage calls.
Every case runs once untimed first (connections, caches). Figures are medians.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

MODES = ("interleaved", "back_to_back", "app")


@dataclass
class Case:
    """One client doing one workload.

    call is timed; prepare (untimed) runs before every call, e.g. to put back
    what drop removed. call may return a list of per-operation latencies (s).
    """

    client: str
    call: Callable[[], Awaitable[Any]]
    prepare: Callable[[], Awaitable[Any]] | None = None


@dataclass
class Samples:
    elapsed: list[float] = field(default_factory=list)
    latencies: list[list[float]] = field(default_factory=list)  # one list per round, if the call gave them

    def add(self, elapsed: float, result: Any) -> None:
        self.elapsed.append(elapsed)
        if isinstance(result, list) and result and isinstance(result[0], float):
            self.latencies.append(result)


def python_work(items: int = 20_000) -> int:
    """What an app does between storage calls: builds, serialises and drops ~10 MB of small objects."""
    docs = [{"id": i, "text": f"entity {i} " * 8, "tags": [str(i % 7), str(i % 11)]} for i in range(items)]
    return len(json.dumps(docs))


async def _timed(case: Case) -> tuple[float, Any]:
    if case.prepare is not None:
        await case.prepare()
    t0 = time.perf_counter()
    result = await case.call()
    return time.perf_counter() - t0, result


async def run(cases: list[Case], rounds: int, mode: str, tick: Callable[[], None] = lambda: None,
              warm_up: bool = True) -> dict[str, Samples]:
    """Times every case `rounds` times on the schedule `mode` (see module doc); tick() after each call."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    for case in cases if warm_up else ():
        await _timed(case)  # untimed
        tick()
    out = {c.client: Samples() for c in cases}
    if mode == "back_to_back":
        order = [c for c in cases for _ in range(rounds)]
    else:
        order = [cases[(r + i) % len(cases)] for r in range(rounds) for i in range(len(cases))]
    for case in order:
        if mode == "app":
            python_work()
        out[case.client].add(*await _timed(case))
        tick()
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile (0-100) of xs, nearest-rank."""
    ordered = sorted(xs)
    k = min(len(ordered), max(1, math.ceil(q / 100 * len(ordered)))) - 1
    return ordered[k]


def summarise(samples: Samples, ops: int) -> dict[str, Any]:
    """The figures kept for one client: median time, throughput, latency percentiles (medians over rounds)."""
    med = median(samples.elapsed)
    out: dict[str, Any] = {
        "ops": ops,
        "median_s": med,
        "ops_per_s": ops / med,
        "samples_s": samples.elapsed,
        "spread": (max(samples.elapsed) - min(samples.elapsed)) / med,
    }
    if samples.latencies:
        out["p50_ms"] = median([percentile(r, 50) * 1e3 for r in samples.latencies])
        out["p99_ms"] = median([percentile(r, 99) * 1e3 for r in samples.latencies])
    return out
