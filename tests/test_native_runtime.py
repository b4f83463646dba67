"""How the package behaves around the Go runtime: threads, cancellation,
handle leaks, memory, fork, panics. Scripts that need a process of their own
(fresh handle table, fork before or after the library loads) run in a
subprocess under a timeout, so a hang fails the test instead of stalling it."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from nano_graphrag_redis import GoPanicError, RedisKVStorage, SyncRedisKVStorage, _abi, _completion, _native
from nano_graphrag_redis import _requests as rq

SCRIPT_TIMEOUT = 120


# Prepended to every script: waits for a forked child, killing it if it hangs.
SCRIPT_PRELUDE = """
import os, sys, time

def wait_child(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0, status
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    sys.exit("child hung")
"""


def run_script(code: str, *, timeout: float = SCRIPT_TIMEOUT, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter (same env: server URLs, NGR_TEST_HOOKS), in cwd if given."""
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT_PRELUDE + textwrap.dedent(code)],
        check=False, capture_output=True, text=True, timeout=timeout, env=dict(os.environ), cwd=cwd,
    )
    assert proc.returncode == 0, f"script failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def test_thousand_concurrent_awaits_use_a_handful_of_threads(redis_url, namespace):
    async with RedisKVStorage(namespace, {"redis_url": redis_url}) as kv:
        await kv.upsert({f"k{i}": {"i": i} for i in range(1000)})
        before = os_threads()
        peak = before
        for _ in range(3):
            tasks = [asyncio.ensure_future(kv.get_by_id(f"k{i}")) for i in range(1000)]
            while not all(t.done() for t in tasks):
                peak = max(peak, os_threads())
                await asyncio.sleep(0)
            assert [t.result() for t in tasks] == [{"i": i} for i in range(1000)]
        await kv.drop()
    # The Go runtime may add a few Ms (GOMAXPROCS, sysmon, netpoller); never one per request.
    assert peak - before <= 8, (before, peak)


async def test_cancelled_awaits_leak_no_handles(redis_url, namespace):
    async with RedisKVStorage(namespace, {"redis_url": redis_url}) as kv:
        await kv.upsert({"a": {"v": 1}})
        # The handle table is the process's: collect what earlier tests dropped without closing
        # (their finalisers close handles), so only this test's handles move the count.
        gc.collect()
        baseline = _native.handle_count()  # store, shared client, this loop's queue
        tasks = [asyncio.ensure_future(kv.get_by_ids(["a"] * 200)) for _ in range(300)]
        await asyncio.sleep(0)  # let them submit
        for t in tasks:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        # Cancelled tickets still complete; their results are taken and freed on arrival.
        for _ in range(1000):
            if _native.handle_count() == baseline:
                break
            await asyncio.sleep(0.01)
        assert _native.handle_count() == baseline
        assert await kv.get_by_id("a") == {"v": 1}
        await kv.drop()


def test_handle_table_is_empty_after_close(single_url, namespace):
    run_script(f"""
        import asyncio, gc
        from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage, _completion, _native
        cfg = {{"redis_url": {single_url!r}}}
        a = SyncRedisKVStorage({namespace!r} + "a", cfg)
        b = SyncRedisKVStorage({namespace!r} + "b", cfg)
        a.upsert({{"x": 1}}); b.upsert({{"y": 2}})
        assert _native.handle_count() == 3, _native.handle_count()  # 2 stores share 1 client
        a.drop(); b.drop(); a.close(); b.close()
        assert _native.handle_count() == 0, _native.handle_count()

        async def main():
            async with RedisKVStorage({namespace!r} + "c", cfg) as c:
                await c.upsert({{"z": 3}})
                await asyncio.gather(*[c.get_by_id("z") for _ in range(100)])
                await c.drop()
            _completion.close_loop_queue(asyncio.get_running_loop())
        asyncio.run(main())
        assert _native.handle_count() == 0, _native.handle_count()

        asyncio.run(main())  # now the queue is closed by the loop's finalizer instead
        gc.collect()
        assert _native.handle_count() == 0, _native.handle_count()
    """)


async def test_rss_stays_bounded_over_200k_calls(single_url, namespace):
    with SyncRedisKVStorage(namespace, {"redis_url": single_url}) as sync_kv:
        sync_kv.upsert({"k": {"text": "x" * 512}})
        async with RedisKVStorage(namespace, {"redis_url": single_url}) as async_kv:

            async def burst(calls: int) -> None:
                for _ in range(calls // 1000):
                    await asyncio.gather(*[async_kv.get_by_id("k") for _ in range(1000)])
                for _ in range(calls):
                    sync_kv.get_by_id("k")

            await burst(20_000)  # warm up pools, caches and the allocator
            before = rss_bytes()
            await burst(100_000)  # 100k async + 100k sync
            grown = rss_bytes() - before
        sync_kv.drop()
    assert grown < 32 * 2**20, f"RSS grew by {grown / 2**20:.1f} MiB over 200k calls"


def test_sixteen_threads_on_the_sync_face(redis_url, namespace):
    kv = SyncRedisKVStorage(namespace, {"redis_url": redis_url})
    kv.upsert({f"shared{i}": i for i in range(100)})
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            own = {f"t{n}-{i}": {"n": n, "i": i} for i in range(200)}
            for _ in range(5):
                assert kv.upsert(own) == 200
                assert kv.get_by_ids(list(own)) == list(own.values())
                assert kv.get_by_id(f"shared{n}") == n
                assert kv.filter_keys([f"t{n}-0", f"t{n}-none"]) == {f"t{n}-none"}
        except BaseException as exc:  # noqa: BLE001 - reported below, with the thread's assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert kv.count() == 100 + 16 * 200
    finally:
        kv.drop()
        kv.close()


def test_inherited_storage_in_forked_child_raises_instead_of_hanging(single_url, namespace):
    proc = run_script(f"""
        from nano_graphrag_redis import SyncRedisKVStorage, UsedAfterForkError
        kv = SyncRedisKVStorage({namespace!r}, {{"redis_url": {single_url!r}}})
        kv.upsert({{"a": 1}})  # the Go runtime is running in this parent now
        pid = os.fork()
        if pid == 0:
            code = 0
            for call in (lambda: kv.get_by_id("a"),
                         lambda: SyncRedisKVStorage("fresh", {{"redis_url": {single_url!r}}}).get_by_id("a")):
                try:
                    call()
                    code = 3
                except UsedAfterForkError as exc:
                    if "after the fork" not in str(exc):
                        code = 4
            os._exit(code)
        wait_child(pid)
        assert kv.get_by_id("a") == 1  # the parent is unaffected
        kv.drop()
        print("ok")
    """)
    assert proc.stdout.strip() == "ok"


def test_storage_created_only_in_the_child_works(single_url, namespace):
    proc = run_script(f"""
        from nano_graphrag_redis import SyncRedisKVStorage, _abi
        assert not _abi.loaded()  # importing does not start the Go runtime
        pid = os.fork()
        if pid == 0:
            kv = SyncRedisKVStorage({namespace!r}, {{"redis_url": {single_url!r}}})
            kv.upsert({{"child": 1}})
            os._exit(0 if kv.get_by_id("child") == 1 else 3)
        wait_child(pid)
        kv = SyncRedisKVStorage({namespace!r}, {{"redis_url": {single_url!r}}})
        assert kv.get_by_id("child") == 1  # parent, still never loaded before the fork
        kv.drop()
        print("ok")
    """)
    assert proc.stdout.strip() == "ok"


def test_go_panic_surfaces_as_exception_sync():
    with pytest.raises(GoPanicError, match="test panic"):
        _native.debug_panic()
    with pytest.raises(GoPanicError):
        _native.debug_panic()  # and the library still works afterwards


async def test_go_panic_surfaces_as_exception_async():
    with pytest.raises(GoPanicError, match="test panic"):
        await _completion.debug_panic()
    with pytest.raises(GoPanicError):
        await asyncio.gather(*[_completion.debug_panic() for _ in range(10)])


def test_null_out_pointers_give_a_panic_status_not_a_crash():
    proc = run_script("""
        from nano_graphrag_redis import _abi
        lib = _abi.lib()
        print(lib.ngr_call(0, _abi.NGR_OP_COUNT, b"", 0, None, None, None))
        print(lib.ngr_take(0, 0, None, None, None))
    """)
    # The recovered nil dereference is a status, twice: the process lived on.
    assert proc.stdout.split() == [str(_abi.NGR_ERR_PANIC)] * 2


def test_abandon_forgets_only_a_pending_call(single_url, namespace):
    with SyncRedisKVStorage(namespace, {"redis_url": single_url}) as kv:
        assert kv.ping()
        store = kv._store.handle()
        assert _native.call_start(store, rq.PING.op, rq.PING.payload, 60_000)[0] == 0  # finished in time: no handle
        assert _abi.lib().ngr_call_abandon(store) == _abi.NGR_ERR_BAD_HANDLE  # a store is no pending call
        assert _abi.lib().ngr_call_wait(store, 0, None, None, None) != _abi.NGR_OK
        assert kv.ping()  # and it is still open
