"""Prints the scenario | promise | measured table of docs/reliability.md from a results JSON.

    .venv/bin/python tests/reliability/table.py reliability-results.json
"""

from __future__ import annotations

import json
import sys
from typing import Any


def figure(r: dict[str, Any]) -> str:
    """The measured figures of one scenario, in words."""
    if "with_wait_replicas" in r:
        return "with wait_replicas=1: " + figure(r["with_wait_replicas"]) + "; without: " + figure(r["without"])
    if "exception" in r:
        return "did not run: " + r["exception"]
    parts = []
    if "acked_writes" in r:
        parts.append(f"{r['lost']} of {r['acked_writes']:,} acknowledged writes lost")
    if r.get("errors") is not None and "acked_writes" in r:
        errors = ", ".join(f"{n} {k}" for k, n in sorted(r["errors"].items())) or "no error"
        parts.append(f"errors surfaced: {errors}")
    gap = r.get("max_write_gap_s", r.get("longest_write_gap_s"))
    if gap is not None:
        parts.append(f"longest pause in writes {gap} s")
    for key, label in (("switch_s", "switch took {} s"), ("restart_s", "restart {} s"),
                       ("reshard_s", "reshard {} s"), ("rebalance_s", "rebalance {} s")):
        if key in r:
            parts.append(label.format(r[key]))
    if "rounds" in r:
        parts.append(f"{len(r['rounds'])} rounds, failover " +
                     "/".join(str(x["failover_s"]) for x in r["rounds"]) + " s")
    if "probe_call" in r:
        p = r["probe_call"]
        parts.append(f"a new call failed in {p['seconds']} s with {p['error']}")
    if "p50_ms" in r:
        parts.append(f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms (all {r['awaits']:,} in flight at once), "
                     f"OS threads {r['threads_before']} → {r['peak_threads']}, "
                     f"new connections ≤ {r['peak_new_connections']}")
    if "rss_growth_mb" in r:
        parts.append(f"{r['measured_ops']:,} ops at {r['ops_per_s']:,}/s, RSS growth {r['rss_growth_mb']} MB, "
                     f"goroutines {r['baseline']['goroutines']} → {r['after_close']['goroutines']}, "
                     f"handles {r['baseline']['handles']} → {r['after_close']['handles']}")
    return "; ".join(parts)


def main(path: str) -> None:
    with open(path) as f:
        report = json.load(f)
    print(f"Profile `{report['profile']}`, started {report['started']}.\n")
    print("| scenario | promise | kept | measured |")
    print("|---|---|---|---|")
    for name, r in report["scenarios"].items():
        kept = "yes" if r["kept"] else ("open" if "known_open" in r else "**no**")
        print(f"| {name} | {r.get('promise', '')} | {kept} | {figure(r)} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "reliability-results.json")
