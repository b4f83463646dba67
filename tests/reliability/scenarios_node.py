"""Single-node and replication faults: sentinel failover, AOF restart, SIGSTOP, client kill
and pause, maxclients, maxmemory, a lagging replica."""

from __future__ import annotations

import signal
import time
from typing import Any

import load as loadmod
from load import Load
from servers import Server, admin, ports, wait_until

from nano_graphrag_redis import RedisKVError, SyncRedisKVStorage


def _kept(result: dict, allowed: set[str], promise: str) -> dict:
    result["promise"] = promise
    result["kept"] = set(result["errors"]) <= allowed and result["lost"] == 0 and result["wrong"] == 0
    return result


def sentinel_failover(profile: dict, wait_replicas: int) -> dict[str, Any]:
    """SENTINEL FAILOVER under load through a redis+sentinel:// URL."""
    sentinel_port = ports("SENTINEL")[0]
    url = f"redis+sentinel://127.0.0.1:{sentinel_port}/ngrmaster"
    s = admin(sentinel_port)
    options = {"wait_replicas": wait_replicas, "wait_timeout": 0.5} if wait_replicas else {}
    with Load(url, **options) as load:
        time.sleep(profile["warmup"])
        before = s.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "ngrmaster")[1]
        fault_at = time.monotonic()
        s.execute_command("SENTINEL", "FAILOVER", "ngrmaster")
        switched = wait_until("sentinel to name the new master", lambda: s.execute_command(
            "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "ngrmaster")[1] != before, 30)
        old = admin(int(before))
        wait_until("the old master to be a linked replica", lambda: old.info("replication").get(
            "master_link_status") == "up", 30)
        time.sleep(profile["after_fault"])
    result = load.summary(fault_at)
    result["switch_s"] = round(switched, 2)
    if wait_replicas:
        return _kept(result, {"NotReplicatedError", "RedisKVTimeoutError", "RedisKVConnectionError"},
                     "no acknowledged write lost; errors only NotReplicated/Timeout/Connection")
    result["promise"] = "writes resume after the switch; errors only Timeout/Connection; loss measured"
    result["kept"] = set(result["errors"]) <= {"RedisKVTimeoutError", "RedisKVConnectionError"}
    return result


def aof_restart(profile: dict, fsync: str) -> dict[str, Any]:
    """kill -9 a node with appendonly yes, restart it from its AOF, read every acknowledged write."""
    port = ports(f"AOF_{fsync.upper()}")[0]
    server = Server(port)
    url = f"redis://127.0.0.1:{port}"
    with Load(url) as load:
        time.sleep(profile["warmup"] + 1)
        fault_at = time.monotonic()
        server.kill9()
        restart_s = server.restart()
        time.sleep(profile["after_fault"])
    result = load.summary(fault_at)
    result["restart_s"] = round(restart_s, 2)
    return _kept(result, {"RedisKVTimeoutError", "RedisKVConnectionError"},
                 f"appendfsync {fsync}: no acknowledged write lost across kill -9 and restart")


def sigstop(profile: dict) -> dict[str, Any]:
    """SIGSTOP the server for a while: calls time out within the read timeout, then resume."""
    port = ports("PLAIN")[0]
    server = Server(port)
    with Load(f"redis://127.0.0.1:{port}") as load:
        time.sleep(profile["warmup"])
        fault_at = time.monotonic()
        server.signal(signal.SIGSTOP)
        try:
            probe = timed_call(f"redis://127.0.0.1:{port}")
        finally:
            time.sleep(max(0.0, profile["stop_s"] - (time.monotonic() - fault_at)))
            server.signal(signal.SIGCONT)
        resumed_at = time.monotonic()
        time.sleep(profile["after_fault"])
    result = load.summary(fault_at)
    result["stopped_s"] = round(resumed_at - fault_at, 2)
    result["probe_call"] = probe
    result = _kept(result, {"RedisKVTimeoutError", "RedisKVConnectionError"},
                   "a call fails with RedisKVTimeoutError within ~read_timeout (1 s) + dial; "
                   "the load resumes after SIGCONT; no acknowledged write lost")
    result["kept"] = result["kept"] and probe["error"] == "RedisKVTimeoutError" and probe["seconds"] < 3.5
    return result


def timed_call(url: str, **options: Any) -> dict[str, Any]:
    """One get_by_id on a fresh store: how long until it answered or failed, and with what."""
    start = time.monotonic()
    error = None
    try:
        with SyncRedisKVStorage(namespace="probe", global_config=loadmod.settings(url, **options)) as s:
            s.get_by_id("x")
    except RedisKVError as e:
        error = type(e).__name__
    return {"seconds": round(time.monotonic() - start, 2), "error": error}


def client_kill(profile: dict) -> dict[str, Any]:
    """CLIENT KILL TYPE normal, several times: every pooled connection dies at once."""
    port = ports("PLAIN")[0]
    with Load(f"redis://127.0.0.1:{port}") as load:
        time.sleep(profile["warmup"])
        fault_at = time.monotonic()
        killed = 0
        for _ in range(profile["kill_rounds"] + 2):
            killed += admin(port).client_kill_filter(_type="normal", skipme=True)
            time.sleep(0.5)
        time.sleep(profile["after_fault"])
    result = load.summary(fault_at)
    result["connections_killed"] = killed
    return _kept(result, {"RedisKVConnectionError"},
                 "killed connections are redialled; at most a connection error surfaces; nothing lost")


def client_pause(profile: dict) -> dict[str, Any]:
    """CLIENT PAUSE WRITE shorter than the read timeout: writes wait, then succeed."""
    port = ports("PLAIN")[0]
    with Load(f"redis://127.0.0.1:{port}", socket_timeout=3.0) as load:
        time.sleep(profile["warmup"])
        fault_at = time.monotonic()
        admin(port).execute_command("CLIENT", "PAUSE", "1500", "WRITE")
        time.sleep(1.5 + profile["after_fault"])
    result = load.summary(fault_at)
    return _kept(result, set(), "a 1.5 s write pause under a 3 s timeout: no error, writes wait; nothing lost")


def maxclients(profile: dict) -> dict[str, Any]:
    """maxclients reached: a new client fails fast and clearly; the running load is unharmed."""
    port = ports("PLAIN")[0]
    url = f"redis://127.0.0.1:{port}"
    a = admin(port)
    with Load(url) as load:
        time.sleep(profile["warmup"])
        old = a.config_get("maxclients")["maxclients"]
        connected = int(a.info("clients")["connected_clients"])
        a.config_set("maxclients", connected)
        try:
            probe = timed_call(url, max_connections=3)
        finally:
            a.config_set("maxclients", old)
        time.sleep(profile["after_fault"])
    result = load.summary()
    result["probe_call"] = probe
    result = _kept(result, set(), "a new client fails within ~dial_timeout x (max_retries+1) = 4 s "
                   "with a RedisKVError naming the cause; the running load sees no error")
    result["kept"] = result["kept"] and probe["error"] not in (None, "InternalError") and probe["seconds"] < 5
    return result


def maxmemory(profile: dict) -> dict[str, Any]:
    """maxmemory with noeviction: writes fail with the OOM class, reads go on, nothing is lost."""
    port = ports("PLAIN")[0]
    url = f"redis://127.0.0.1:{port}"
    a = admin(port)
    with Load(url) as load:
        time.sleep(profile["warmup"])
        used = int(a.info("memory")["used_memory"])
        a.config_set("maxmemory-policy", "noeviction")
        a.config_set("maxmemory", used + 2 * 1024 * 1024)
        try:
            wait_until("writes to hit maxmemory", lambda: load.ledger.errors, 30)
            time.sleep(1.0)
            reads_before = load.ledger.ops
            time.sleep(1.0)
            reads_during = load.ledger.ops - reads_before
        finally:
            a.config_set("maxmemory", 0)
        time.sleep(profile["after_fault"])
    result = load.summary()
    result["ops_in_1s_while_full"] = reads_during
    result = _kept(result, {"OutOfMemoryError"},
                   "writes over maxmemory raise OutOfMemoryError (a RedisKVError); reads continue; nothing lost")
    result["kept"] = result["kept"] and bool(result["errors"]) and reads_during > 0
    return result


def lagging_replica(profile: dict) -> dict[str, Any]:
    """A replica stopped (SIGSTOP) for a while: wait_replicas writes say NotReplicated, plain ones go on."""
    master, replica_port = ports("LAG")
    replica = Server(replica_port)
    url = f"redis://127.0.0.1:{master}"
    with Load(url, wait_replicas=1, wait_timeout=0.3) as waiting, Load(url) as plain:
        time.sleep(profile["warmup"])
        fault_at = time.monotonic()
        replica.signal(signal.SIGSTOP)
        try:
            time.sleep(profile["stop_s"])
        finally:
            replica.signal(signal.SIGCONT)
        wait_until("the replica to catch up", lambda: admin(replica_port).info("replication")
                   .get("master_link_status") == "up", 30)
        time.sleep(profile["after_fault"])
    result = {"with_wait_replicas": waiting.summary(fault_at), "without": plain.summary(fault_at)}
    w, p = result["with_wait_replicas"], result["without"]
    result["promise"] = ("wait_replicas=1: NotReplicatedError while the replica lags, resumes after; "
                         "without: no error; no acknowledged write lost either way")
    result["kept"] = (set(w["errors"]) == {"NotReplicatedError"} and not p["errors"]
                      and w["lost"] == p["lost"] == 0 and w["wrong"] == p["wrong"] == 0)
    return result
