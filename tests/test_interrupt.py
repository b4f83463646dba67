"""Ctrl-C interrupts a sync call that waits on a Redis that does not answer (issue #9).

The call runs in a child process on its main thread, against a server we
SIGSTOP: with retry_on_timeout and 20 retries of a 1 s read timeout, the call
itself would block for more than 20 s. SIGINT must raise KeyboardInterrupt
from inside the call within a few slices, and the storage must keep working
once the server is back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

CHILD = r"""
import sys, time, traceback
from nano_graphrag_redis import SyncRedisKVStorage, _native

kv = SyncRedisKVStorage.from_url(
    sys.argv[1], namespace="interrupt", read_timeout=1, retry_on_timeout=True, max_retries=20
)
kv.upsert({"a": {"v": 1}})
handles = _native.handle_count()
print("ready", flush=True)
sys.stdin.readline()  # the parent has stopped the server
try:
    print("calling", flush=True)
    started = time.monotonic()
    kv.get_by_id("a")
    print("returned", flush=True)
except KeyboardInterrupt as exc:
    inside = any(f.filename.endswith("_interruptible.py") for f in traceback.extract_tb(exc.__traceback__))
    print(f"interrupted {time.monotonic() - started:.3f} {inside}", flush=True)
sys.stdin.readline()  # the parent has resumed the server
print("after", kv.get_by_id("a"), flush=True)
print("handles", _native.handle_count() - handles, flush=True)
"""


def test_ctrl_c_interrupts_a_sync_call_on_a_stopped_server(spawn_redis):
    port = spawn_redis()
    server_pid = spawn_redis.pids[port]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, f"redis://127.0.0.1:{port}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        os.kill(server_pid, signal.SIGSTOP)
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "calling"
        time.sleep(0.5)  # the call is now blocked on the stopped server
        child.send_signal(signal.SIGINT)
        words = child.stdout.readline().split()
        assert words[:1] == ["interrupted"], (words, child.stderr.read() if child.poll() is not None else "")
        # Raised between two slices of the wait, not after the call gave up (> 20 s).
        assert float(words[1]) < 5.0
        assert words[2] == "True"  # from inside the sliced wait
        os.kill(server_pid, signal.SIGCONT)
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "after {'v': 1}"
        assert child.stdout.readline().strip() == "handles 0"  # the abandoned call left no handle behind
        assert child.wait(timeout=30) == 0
    finally:
        os.kill(server_pid, signal.SIGCONT)
        if child.poll() is None:
            child.kill()
            child.wait()
