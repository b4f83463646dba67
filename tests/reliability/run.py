"""The fault suite: every scenario under load, figures to a JSON file.

    scripts/reliability.sh quick|full     (make test-reliability [PROFILE=full])

Each scenario returns its figures, the promise it checks and whether the
promise was kept. The run exits 1 if any promise was broken or any
scenario raised; docs/reliability.md reads its table from the full run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import scenarios_cluster as cl
import scenarios_load as ld
import scenarios_node as nd
import scenarios_proxy as px
from servers import Cluster, ports, stop_restarted

PROFILES = {
    "quick": {"warmup": 1.0, "after_fault": 1.0, "kill_rounds": 1, "reshard_slots": 1200,
              "stop_s": 2.0, "concurrency": 10_000, "soak_ops": 60_000},
    "full": {"warmup": 2.0, "after_fault": 2.0, "kill_rounds": 5, "reshard_slots": 5461,
             "stop_s": 5.0, "concurrency": 10_000, "soak_ops": 1_000_000},
}


# Promises known to be broken, with the defect that breaks them: reported as OPEN, not failing the run.
# Remove an entry as soon as its fix is on main (the run says when a listed promise holds).
KNOWN_OPEN: dict[str, str] = {}


def scenarios(p: dict, cluster: Cluster) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    single = f"redis://127.0.0.1:{ports('PLAIN')[0]}"
    return [
        ("cluster master kill -9", lambda: cl.kill_master(p, cluster, 0)),
        ("cluster master kill -9, wait_replicas=1", lambda: cl.kill_master(p, cluster, 1)),
        ("manual CLUSTER FAILOVER", lambda: cl.manual_failover(p, cluster)),
        ("live reshard and rebalance", lambda: cl.reshard(p, cluster)),
        ("sentinel failover", lambda: nd.sentinel_failover(p, 0)),
        ("sentinel failover, wait_replicas=1", lambda: nd.sentinel_failover(p, 1)),
        ("AOF always, kill -9 and restart", lambda: nd.aof_restart(p, "always")),
        ("AOF everysec, kill -9 and restart", lambda: nd.aof_restart(p, "everysec")),
        ("SIGSTOP / SIGCONT", lambda: nd.sigstop(p)),
        ("CLIENT KILL", lambda: nd.client_kill(p)),
        ("CLIENT PAUSE WRITE", lambda: nd.client_pause(p)),
        ("maxclients reached", lambda: nd.maxclients(p)),
        ("maxmemory noeviction", lambda: nd.maxmemory(p)),
        ("lagging replica", lambda: nd.lagging_replica(p)),
        ("10k concurrent awaits, single node", lambda: ld.concurrent_awaits(p, single, "single")),
        ("10k concurrent awaits, cluster", lambda: ld.concurrent_awaits(p, cluster.url, "cluster")),
        ("soak of mixed ops", lambda: ld.soak(p, single)),
        ("proxy latency 1 ms per direction", lambda: px.latency(p, 1.0)),
        ("proxy latency 50 ms per direction", lambda: px.latency(p, 50.0)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--out", default="reliability-results.json")
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    args = parser.parse_args()
    profile = PROFILES[args.profile]
    report: dict[str, Any] = {"profile": args.profile, "settings": profile,
                              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              "machine": f"{platform.machine()}, {platform.python_version()}",
                              "scenarios": {}}
    failed = []
    try:
        cluster = Cluster()
        for name, run in scenarios(profile, cluster):
            if args.only and args.only not in name:
                continue
            start = time.monotonic()
            try:
                result = run()
            except Exception as e:  # noqa: BLE001 - a scenario that cannot run is a failure, with its traceback
                result = {"kept": False, "exception": f"{type(e).__name__}: {e}",
                          "traceback": traceback.format_exc()}
            result["scenario_s"] = round(time.monotonic() - start, 1)
            report["scenarios"][name] = result
            mark = "ok  " if result["kept"] else "OPEN" if name in KNOWN_OPEN else "FAIL"
            print(f"{mark} {name} ({result['scenario_s']} s): {summary_line(result)}", flush=True)
            if name in KNOWN_OPEN:
                result["known_open"] = KNOWN_OPEN[name]
                print(f"     {'now kept: remove it from KNOWN_OPEN' if result['kept'] else KNOWN_OPEN[name]}")
            elif not result["kept"]:
                failed.append(name)
                print(json.dumps(result, indent=1, default=str)[:4000], flush=True)
            Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    finally:
        stop_restarted()
    report["failed"] = failed
    Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    kept = sum(1 for r in report["scenarios"].values() if r["kept"])
    print(f"{kept}/{len(report['scenarios'])} promises kept, {len(failed)} broken, "
          f"{len(report['scenarios']) - kept - len(failed)} known open; figures in {args.out}")
    return 1 if failed else 0


def summary_line(r: dict[str, Any]) -> str:
    if "with_wait_replicas" in r:
        return "; ".join(f"{k}: {summary_line(r[k])}" for k in ("with_wait_replicas", "without"))
    keys = ("acked_writes", "lost", "errors", "max_write_gap_s", "longest_write_gap_s", "probe_call",
            "p50_ms", "p99_ms", "peak_threads", "rss_growth_mb", "exception")
    return ", ".join(f"{k}={r[k]}" for k in keys if k in r)


if __name__ == "__main__":
    sys.exit(main())
