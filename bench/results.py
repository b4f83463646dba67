"""bench/results/latest.json: the machine, the versions, the settings and every figure of one run.

Its shape (checked by tests/test_bench_harness.py):
    {"schema": 1, "profile", "started", "duration_s", "machine", "versions", "settings",
     "figures": [{"topology", "face", "workload", "dataset", "mode", "client", "ops",
                  "median_s", "ops_per_s", "samples_s", ["concurrency"], ["p50_ms", "p99_ms"]}, ...],
     "memory": {...}, "limit": {...}, "targets": [...]}
`find` and `figure` pick records out of "figures".
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any

SCHEMA = 1
PACKAGES = ("nano-graphrag-redis", "redis", "hiredis", "valkey-glide", "valkey-glide-sync", "coredis",
            "msgpack", "matplotlib", "tqdm")


def _run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(), "loadavg": os.getloadavg()}


def versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    out["redis-server"] = _run("redis-server", "--version")
    out["go"] = _run("go", "version")
    out["git"] = _run("git", "-C", str(Path(__file__).resolve().parent), "describe", "--always", "--dirty")
    return out


def document(profile: Any, args: Any, found: dict[str, Any], started: float,
             versions_at_start: dict[str, str]) -> dict[str, Any]:
    """versions_at_start: taken before the run, so the commit is the one the run measured."""
    return {
        "schema": SCHEMA,
        "profile": profile.name,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_s": round(time.time() - started, 1),
        "machine": {**machine(), "loadavg_end": os.getloadavg()},
        "versions": versions_at_start,
        "settings": {**profile.__dict__, "only": sorted(args.only) if args.only else None,
                     "clients": sorted(args.clients) if args.clients else None, "topologies": args.topologies},
        **found,
    }


def write(doc: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n")


def find(doc: dict[str, Any], **match: Any) -> list[dict[str, Any]]:
    """The figure records whose fields equal every given value."""
    return [f for f in doc.get("figures", []) if all(f.get(k) == v for k, v in match.items())]


def figure(doc: dict[str, Any], **match: Any) -> dict[str, Any] | None:
    """The one record that matches, or None (e.g. a workload left out with --only)."""
    hits = find(doc, **match)
    return hits[0] if len(hits) == 1 else None
