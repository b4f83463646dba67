"""`python -m bench`: runs the benchmark against the servers of scripts/redis/with-redis.sh.

    scripts/redis/with-redis.sh .venv/bin/python -m bench            # = make bench
    scripts/redis/with-redis.sh .venv/bin/python -m bench --profile full
    ... -m bench --only upsert,get --clients ours,glide --topology single   # a quick subset

A run of every workload and client also writes the charts and the generated
part of docs/benchmarks.md; a subset (--only, --clients) only writes its JSON
(bench/results/subset.json or --out) and prints its table, so it never
overwrites the published figures.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from . import report, results, server, targets, workloads
from .context import PROFILES, Context, Profile
from .peers import LABELS, Server

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "bench" / "results" / "latest.json"
EXTRA = ("memory", "limit")  # not client workloads: server.py
EVERYTHING = [*workloads.WORKLOADS, *EXTRA]


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", choices=sorted(PROFILES), default="quick",
                   help="quick (make bench), full (make bench-full: more rounds, 1M unrelated keys), "
                        "smoke (tiny sizes, for the harness test)")
    p.add_argument("--only", default="", help=f"comma-separated subset of: {','.join(EVERYTHING)}")
    p.add_argument("--clients", default="", help="comma-separated subset of: " + ",".join(LABELS))
    p.add_argument("--topology", default="single,cluster", help="single, cluster or both (default)")
    p.add_argument("--rounds", type=int, help="override the profile's rounds (at least 5 for published figures)")
    p.add_argument("--out", type=Path, help=f"where to write the JSON (default {LATEST.relative_to(ROOT)}, "
                                            "or bench/results/subset.json with --only)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (e.g. in tests)")
    args = p.parse_args(argv)
    args.only = set(filter(None, args.only.split(","))) or None
    unknown = (args.only or set()) - set(EVERYTHING)
    if unknown:
        p.error(f"unknown workload(s) {sorted(unknown)}; choose from {EVERYTHING}")
    args.clients = set(filter(None, args.clients.split(","))) or None
    if args.clients and not args.clients <= set(LABELS):
        p.error(f"unknown client(s) {sorted(args.clients - set(LABELS))}; choose from {list(LABELS)}")
    args.topologies = [t for t in args.topology.split(",") if t]
    if not set(args.topologies) <= {"single", "cluster"}:
        p.error("--topology takes single, cluster or single,cluster")
    return args


def servers_from_env(topologies: list[str]) -> list[Server]:
    env = {"single": "NGR_TEST_REDIS_URL", "cluster": "NGR_TEST_CLUSTER_URL"}
    missing = [env[t] for t in topologies if not os.environ.get(env[t])]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not set: run through scripts/redis/with-redis.sh (make bench)")
    return [Server(t, os.environ[env[t]]) for t in topologies]


def wanted(args: argparse.Namespace, name: str) -> bool:
    return args.only is None or name in args.only


async def run(args: argparse.Namespace, profile: Profile, bar: tqdm, checkpoint: Path) -> dict[str, Any]:
    """Every figure of the run; after each workload, the figures so far are also written to checkpoint
    (a long run on a busy machine keeps what it measured if it is stopped)."""
    found: dict[str, Any] = {"figures": []}
    chosen = workloads.selected(args.only, args.clients)
    for srv in servers_from_env(args.topologies):
        ctx = Context(srv, profile, tick=lambda: bar.update(1))
        try:
            for w in filter(None, (w.on(srv.topology, profile) for w in chosen)):
                if w.name == "all_keys":  # the admin pair runs last, beside keys it must not pay for
                    bar.set_postfix_str(f"{srv.topology}: {profile.unrelated_keys:,} unrelated keys")
                    server.populate_unrelated(srv, profile.unrelated_keys)
                bar.set_postfix_str(f"{srv.topology} {w.face} {w.name}")
                found["figures"] += await workloads.run_workload(ctx, w)
                results.write(found, checkpoint)
        finally:
            await ctx.close()
        server.cleanup(srv)
        if srv.topology == "single" and wanted(args, "memory"):
            bar.set_postfix_str("single: memory")
            found["memory"] = server.memory(srv, profile.items)
            bar.update(1)
        if srv.topology == "single" and wanted(args, "limit"):
            bar.set_postfix_str("single: redis-benchmark and the Go core")
            found["limit"] = server.redis_limit(srv, profile.rounds, profile.items, 20 * profile.items,
                                                tick=lambda: bar.update(1))
    return found


def total_steps(args: argparse.Namespace, profile: Profile) -> int:
    steps = sum(w.calls(profile, t) for w0 in workloads.selected(args.only, args.clients) for t in args.topologies
                if (w := w0.on(t, profile)) is not None)
    if "single" in args.topologies:
        steps += wanted(args, "memory") + 2 * profile.rounds * wanted(args, "limit")
    return steps


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    profile = PROFILES[args.profile]
    if args.rounds:
        profile = dataclasses.replace(profile, rounds=args.rounds)
    started, at_start = time.time(), results.versions()
    whole = args.only is None and args.clients is None
    out = args.out or (LATEST if whole else LATEST.with_name("subset.json"))
    with tqdm(total=total_steps(args, profile), unit="call", disable=args.no_progress,
              bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]{postfix}") as bar:
        found = asyncio.run(run(args, profile, bar, out.with_suffix(".partial.json")))
    doc = results.document(profile, args, found, started, at_start)
    doc["targets"] = targets.evaluate(doc)
    results.write(doc, out)
    out.with_suffix(".partial.json").unlink(missing_ok=True)
    print(report.console(doc))
    print(f"\nwrote {out}")
    if args.only is None and args.clients is None and args.out is None:
        for path in report.publish(doc):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
