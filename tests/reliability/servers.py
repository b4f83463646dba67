"""The servers of the fault suite, as the shell started them (scripts/reliability.sh).

A server is found by its port; its PID comes from INFO (process_id) and its
command line from the argv file lib.sh wrote in its dir, so a server killed with SIGKILL is restarted exactly
as it was started. Restarted servers are children of this process: their PIDs
go to NGR_FAULT_PIDS_FILE, which the shell's cleanup stops too, and
stop_restarted() stops them at the end. Nothing else is ever signalled.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field

import redis

_RESTARTED: list[subprocess.Popen] = []


def admin(port: int, timeout: float = 5.0) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=timeout, decode_responses=True)


def wait_until(what: str, check, timeout: float = 30.0, every: float = 0.1) -> float:
    """Polls check() until it is truthy; returns the seconds waited, or raises after timeout."""
    start = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - start
        except (redis.RedisError, OSError):
            pass
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(every)


@dataclass
class Server:
    port: int
    pid: int = 0
    argv: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        a = admin(self.port)
        self.pid = int(a.info("server")["process_id"])
        with open(os.path.join(a.config_get("dir")["dir"], "argv")) as f:  # written by lib.sh
            self.argv = f.read().splitlines()

    def signal(self, sig: signal.Signals) -> None:
        os.kill(self.pid, sig)

    def kill9(self) -> None:
        self.signal(signal.SIGKILL)

    def restart(self) -> float:
        """Starts the same command line again (after a kill); returns seconds until it answers PING."""
        proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _RESTARTED.append(proc)
        with open(os.environ["NGR_FAULT_PIDS_FILE"], "a") as f:
            f.write(f"{proc.pid}\n")
        waited = wait_until(f"port {self.port} to answer PING", lambda: admin(self.port, 1).ping())
        wait_until(f"port {self.port} to finish loading",
                   lambda: admin(self.port, 1).info("persistence")["loading"] == 0)
        self.refresh()
        return waited


def stop_restarted() -> None:
    for proc in _RESTARTED:
        if proc.poll() is None:
            proc.terminate()
    for proc in _RESTARTED:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def ports(name: str) -> list[int]:
    """NGR_FAULT_<NAME>: the space-separated ports the shell exported."""
    value = os.environ.get(f"NGR_FAULT_{name}")
    if not value:
        raise SystemExit(f"NGR_FAULT_{name} is not set: run through scripts/reliability.sh (make test-reliability)")
    return [int(p) for p in value.split()]


class Cluster:
    """The suite's own 3+3 cluster."""

    def __init__(self) -> None:
        self.why_not = ""
        self.ports = ports("CLUSTER")
        self.servers = {p: Server(p) for p in self.ports}

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.ports[0]}"

    def nodes(self, via: int | None = None) -> list[dict]:
        """CLUSTER NODES as dicts, asked of a live node."""
        for port in ([via] if via else []) + self.ports:
            try:
                raw = admin(port, 2).execute_command("CLUSTER", "NODES")
            except (redis.RedisError, OSError):
                continue
            out = []
            for line in raw.strip().splitlines():
                parts = line.split()
                out.append({"id": parts[0], "port": int(parts[1].split(":")[1].split("@")[0]),
                            "flags": parts[2].split(","), "master": parts[3], "slots": parts[8:]})
            return out
        raise RuntimeError("no cluster node answers")

    def masters(self) -> list[dict]:
        return [n for n in self.nodes() if "master" in n["flags"] and "fail" not in n["flags"] and n["slots"]]

    def replica_of(self, master_id: str) -> dict:
        return next(n for n in self.nodes() if n["master"] == master_id and "fail" not in n["flags"])

    def healthy(self) -> bool:
        """Every node up, state ok, three masters each with a linked replica (else why_not says what is not)."""
        self.why_not = ""
        for port in self.ports:
            c = admin(port, 1)
            if "cluster_state:ok" not in c.execute_command("CLUSTER", "INFO"):
                self.why_not = f"node {port}: cluster_state is not ok"
                return False
            repl = c.info("replication")
            if repl["role"] == "slave" and repl.get("master_link_status") != "up":
                self.why_not = f"replica {port}: master_link_status {repl.get('master_link_status')}"
                return False
        nodes = self.nodes()
        failing = [n["port"] for n in nodes if "fail" in n["flags"] or "fail?" in n["flags"]]
        masters = [n["port"] for n in nodes if "master" in n["flags"] and n["slots"]]
        self.why_not = f"failing nodes {failing}, masters with slots {masters}"
        return not failing and len(masters) == 3

    def wait_healthy(self, timeout: float = 60.0) -> float:
        try:
            return wait_until("the cluster to be whole again", self.healthy, timeout, 0.2)
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}: {self.why_not}") from None
