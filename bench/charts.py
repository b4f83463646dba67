"""The PNG charts in docs/, drawn from one run's results with matplotlib (Agg, no display).

- bench-headline.png: the README's chart, ops/s of every client on the main
  workloads, single node, interleaved rounds;
- bench-concurrency.png: get_by_id throughput and p99 by number of concurrent tasks;
- bench-schedules.png: each client's 10k get_by_ids back to back, interleaved and
  with Python work in between (what a naive benchmark hides).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .peers import SHORT_LABELS, label
from .results import figure, find

DOCS = Path(__file__).resolve().parent.parent / "docs"
CLIENTS = list(SHORT_LABELS)
COLORS = {"ours": "#d62728", "ours_direct": "#ff9896", "ours_zstd": "#e377c2", "redispy_lightrag": "#7f7f7f",
          "redispy_mget": "#bcbd22", "glide": "#1f77b4", "coredis": "#9467bd"}
HEADLINE = [  # (title, face, workload, extra match)
    ("async upsert 10k chunks", "async", "upsert", {}),
    ("async get_by_ids 10k chunks", "async", "get", {}),
    ("get_by_id, 256 concurrent tasks", "async", "concurrent", {"concurrency": 256}),
    ("sync upsert 10k chunks", "sync", "upsert", {}),
    ("sync get_by_ids 10k chunks", "sync", "get", {}),
    ("sync get_by_id, one at a time", "sync", "sync_latency", {}),
]

Doc = dict[str, Any]


def _bars(ax: Any, doc: Doc, title: str, topology: str, **match: Any) -> None:
    rows = [(c, figure(doc, topology=topology, client=c, mode="interleaved", **match)) for c in CLIENTS]
    rows = [(c, f) for c, f in rows if f is not None]
    names = [label(c, match.get("workload", "")) for c, _ in rows]
    values = [f["ops_per_s"] for _, f in rows]
    bars = ax.barh(names, values, color=[COLORS[c] for c, _ in rows])
    ax.bar_label(bars, labels=[f"{v / 1000:,.0f}k" for v in values], padding=2, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlabel("ops/s (more is better)", fontsize=8)
    ax.margins(x=0.25)
    ax.tick_params(labelsize=8)


def headline(doc: Doc, topology: str = "single") -> Path:
    fig, axes = plt.subplots(2, 3, figsize=(13, 5.6))
    for ax, (title, face, workload, extra) in zip(axes.flat, HEADLINE, strict=False):
        _bars(ax, doc, title, topology, face=face, workload=workload, **extra)
    fig.suptitle(f"nano-graphrag KV calls on one Redis ({topology} node), medians of "
                 f"{doc['settings']['rounds']} interleaved rounds, {doc['machine']['cores']} cores", fontsize=11)
    fig.tight_layout()
    return _save(fig, "bench-headline.png")


def concurrency(doc: Doc) -> Path:
    fig, (tput, p99) = plt.subplots(1, 2, figsize=(11, 3.8))
    for topology, style in (("single", "-"), ("cluster", "--")):
        for c in CLIENTS:
            rows = sorted(find(doc, topology=topology, workload="concurrent", client=c),
                          key=lambda f: f["concurrency"])
            if not rows:
                continue
            xs = [f["concurrency"] for f in rows]
            name = f"{label(c, 'concurrent')} ({topology})"
            tput.plot(xs, [f["ops_per_s"] for f in rows], style, marker="o", color=COLORS[c], label=name)
            p99.plot(xs, [f["p99_ms"] for f in rows], style, marker="o", color=COLORS[c], label=name)
    for ax, title in ((tput, "get_by_id throughput (ops/s)"), (p99, "get_by_id p99 latency (ms)")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("concurrent tasks")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    p99.set_yscale("log")
    tput.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return _save(fig, "bench-concurrency.png")


def schedules(doc: Doc, topology: str = "single") -> Path:
    modes = ("back_to_back", "interleaved", "app")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    for ax, face in zip(axes, ("async", "sync"), strict=True):
        clients = [c for c in CLIENTS if figure(doc, topology=topology, face=face, workload="get", client=c,
                                                mode="app")]
        width = 0.8 / len(modes)
        for i, mode in enumerate(modes):
            ms = [figure(doc, topology=topology, face=face, workload="get", client=c, mode=mode)["median_s"] * 1e3
                  for c in clients]
            ax.bar([k + i * width for k in range(len(clients))], ms, width, label=mode.replace("_", " "))
        ax.set_xticks([k + width for k in range(len(clients))], [label(c) for c in clients], fontsize=8)
        ax.set_title(f"{face} get_by_ids 10k chunks: median ms (less is better)", fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, "bench-schedules.png")


def _save(fig: Any, name: str) -> Path:
    path = DOCS / name
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw(doc: Doc) -> list[Path]:
    return [headline(doc), concurrency(doc), schedules(doc)]
