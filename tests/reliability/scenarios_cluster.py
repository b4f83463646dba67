"""Cluster faults: master kill -9, manual CLUSTER FAILOVER, live reshard and rebalance."""

from __future__ import annotations

import subprocess
import time
from typing import Any

from load import Load
from servers import Cluster, admin, wait_until


def kill_master(profile: dict, cluster: Cluster, wait_replicas: int) -> dict[str, Any]:
    """kill -9 one master per round (a different one each time), restart it as a replica."""
    rounds = []
    options = {"wait_replicas": wait_replicas, "wait_timeout": 0.5} if wait_replicas else {}
    with Load(cluster.url, **options) as load:
        time.sleep(profile["warmup"])
        for r in range(profile["kill_rounds"]):
            victim = cluster.masters()[r % 3]
            server = cluster.servers[victim["port"]]
            fault_at = time.monotonic()
            server.kill9()
            promoted = wait_until("a replica to take over the slots", lambda victim=victim: victim["id"] not in
                                  [m["id"] for m in cluster.masters()] and len(cluster.masters()) == 3, 30)
            time.sleep(profile["after_fault"])
            server.restart()
            healed = cluster.wait_healthy()
            # The round's pause ends with the first write acknowledged after the cluster is whole again.
            back = time.monotonic()
            wait_until("writes to resume", lambda back=back: load.ledger.acked_since(back), 30, 0.05)
            rounds.append({"port": victim["port"], "failover_s": round(promoted, 2),
                           "rejoined_s": round(healed, 2),
                           "longest_write_gap_s": round(load.ledger.longest_gap(fault_at), 2)})
        time.sleep(profile["after_fault"])
    result = load.summary()
    result["rounds"] = rounds
    result["max_write_gap_s"] = max(r["longest_write_gap_s"] for r in rounds)
    if wait_replicas:
        result["promise"] = "no acknowledged write lost; errors only NotReplicated/Timeout/Connection"
        allowed = {"NotReplicatedError", "RedisKVTimeoutError", "RedisKVConnectionError"}
        result["kept"] = result["lost"] == 0 and result["wrong"] == 0 and set(result["errors"]) <= allowed
    else:
        result["promise"] = "writes resume after failover; errors only Timeout/Connection; loss measured"
        allowed = {"RedisKVTimeoutError", "RedisKVConnectionError"}
        result["kept"] = set(result["errors"]) <= allowed and result["wrong"] == 0
    return result


def manual_failover(profile: dict, cluster: Cluster) -> dict[str, Any]:
    """CLUSTER FAILOVER on a replica: a coordinated switch that should cost nothing."""
    with Load(cluster.url) as load:
        time.sleep(profile["warmup"])
        master = cluster.masters()[0]
        replica = cluster.replica_of(master["id"])
        fault_at = time.monotonic()
        admin(replica["port"]).execute_command("CLUSTER", "FAILOVER")
        switched = wait_until("the replica to become master", lambda: any(
            m["id"] == replica["id"] for m in cluster.masters()), 30)
        cluster.wait_healthy()
        time.sleep(profile["after_fault"])
    result = load.summary(fault_at)
    result["switch_s"] = round(switched, 2)
    result["promise"] = "no error surfaced, no acknowledged write lost"
    result["kept"] = not result["errors"] and result["lost"] == 0 and result["wrong"] == 0
    return result


def reshard(profile: dict, cluster: Cluster) -> dict[str, Any]:
    """redis-cli --cluster reshard of N slots under load, then --cluster rebalance back."""
    seed = f"127.0.0.1:{cluster.ports[0]}"
    with Load(cluster.url) as load:
        time.sleep(profile["warmup"])
        source, target = cluster.masters()[:2]
        start = time.monotonic()
        run_cli("reshard", seed, "--cluster-from", source["id"], "--cluster-to", target["id"],
                "--cluster-slots", str(profile["reshard_slots"]), "--cluster-yes")
        resharded = time.monotonic() - start
        wait_until("the nodes to agree on the slot map", lambda: cluster_check(seed), 60, 0.5)
        start = time.monotonic()
        # --cluster-use-empty-masters: moving a third of the slots can empty the source master entirely.
        run_cli("rebalance", seed, "--cluster-use-empty-masters", "--cluster-yes")
        rebalanced = time.monotonic() - start
        cluster.wait_healthy()
        time.sleep(profile["after_fault"])
    result = load.summary()
    result.update(slots_moved=profile["reshard_slots"], reshard_s=round(resharded, 1),
                  rebalance_s=round(rebalanced, 1))
    result["promise"] = "no error surfaced (no TRYAGAIN/ASK/MOVED), no acknowledged write lost"
    result["kept"] = not result["errors"] and result["lost"] == 0 and result["wrong"] == 0
    return result


def cluster_check(seed: str) -> bool:
    """redis-cli --cluster check passes: every node agrees on the slot map, no slot is open."""
    return subprocess.run(["redis-cli", "--cluster", "check", seed], check=False, capture_output=True, timeout=60).returncode == 0


def run_cli(command: str, *args: str) -> None:
    out = subprocess.run(["redis-cli", "--cluster", command, *args], check=False, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"redis-cli --cluster {command} failed: {out.stdout[-2000:]} {out.stderr[-2000:]}")
