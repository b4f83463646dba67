"""Bytes that once killed the host process (issue #9, defects 1 and 2).

Each repro runs in a subprocess, so a regression fails this test instead of
taking pytest down with it.
"""

from __future__ import annotations

import os

from test_native_runtime import run_script


def test_deeply_nested_stored_value_read_with_fields_does_not_kill_the_process(single_url, namespace):
    # Before: the Go projector recursed once per level, "fatal error: stack overflow", exit -6.
    proc = run_script(f"""
        from conftest import raw_redis, value_key
        from nano_graphrag_redis import CorruptValueError, SyncRedisKVStorage
        deep = b"\\x82\\xa1a" + b"\\x91" * 5_000_000 + b"\\xc0\\xa1b\\x01"
        with SyncRedisKVStorage({namespace!r}, {{"redis_url": {single_url!r}}}) as kv:
            raw_redis({single_url!r}).set(value_key({namespace!r}, "deep"), deep)
            try:
                kv.get_by_ids(["deep"], fields=["b"])
            except CorruptValueError as exc:
                print(type(exc).__name__, exc)
            kv.drop()
    """, cwd=os.path.dirname(__file__))
    # Nested beyond 1,000 levels, it is damaged data: a clear error naming it (docs/errors.md).
    assert proc.stdout.startswith("CorruptValueError") and '"deep"' in proc.stdout


def test_five_byte_upsert_request_through_the_abi_does_not_kill_the_process(single_url, namespace):
    # Before: decodeUpsert preallocated 2^31 items, "fatal error: runtime: out of memory".
    proc = run_script(f"""
        from nano_graphrag_redis import SerializationError, SyncRedisKVStorage, _abi, _native
        with SyncRedisKVStorage({namespace!r}, {{"redis_url": {single_url!r}}}) as kv:
            try:
                _native.call(kv._store.handle(), _abi.NGR_OP_UPSERT, b"\\xdf\\x7f\\xff\\xff\\xff")
            except SerializationError as exc:
                print("SerializationError", exc)
            print(kv.count())
    """)
    first, count = proc.stdout.strip().splitlines()
    assert first.startswith("SerializationError") and "upsert" in first
    assert count == "0"
