"""Peak memory of migrating a big JsonKVStorage file, next to json.load of the same file.

    REDIS_URL=redis://127.0.0.1:6379 python bench/json_migrate_memory.py 500   # MB of JSON

Writes kv_store_text_chunks.json (text_chunks-shaped values of ~4.5 KB, indented as
JsonKVStorage writes them) into a temp dir, then runs in fresh processes: json.load
(what JsonKVStorage itself does at start), `migrate --dry-run`, `migrate --verify`
and a second `migrate`, each with its peak RSS (docs/migration.md has the figures).
Uses the key prefix json_memory_bench and drops it at the end.
"""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
import tempfile
from pathlib import Path


def write_file(path: Path, megabytes: int) -> int:
    random.seed(1)
    words = ["".join(random.choices(string.ascii_lowercase, k=random.randint(3, 9))) for _ in range(5000)]
    size, i = 2, 0
    with path.open("w") as f:
        f.write("{\n")
        while size < megabytes << 20:
            value = {"tokens": 1200, "content": " ".join(random.choices(words, k=700)),
                     "chunk_order_index": i % 50, "full_doc_id": f"doc-{i // 50:08x}"}
            item = ("" if i == 0 else ",\n") + f"  {json.dumps(f'chunk-{i:010x}')}: " \
                + json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            f.write(item)
            size, i = size + len(item), i + 1
        f.write("\n}")
    return i


def peak(label: str, argv: list[str]) -> None:
    """Run argv alone in a child (its own RUSAGE_CHILDREN) and print its peak RSS."""
    probe = ("import resource, subprocess, sys, time; t = time.time(); "
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.time() - t); "
             "print(p.stdout[-400:])")
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True).stdout
    rc, rss_kb, wall = out.splitlines()[0].split()
    print(f"{label:28} exit {rc}  peak RSS {int(rss_kb) / 1024:6.0f} MiB  {float(wall):6.1f} s")
    print("    " + "\n    ".join(out.splitlines()[1:][-3:]))


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "kv_store_text_chunks.json"
        n = write_file(path, megabytes)
        print(f"{path.stat().st_size / 2**20:.0f} MiB, {n} chunks")
        cli = [sys.executable, "-m", "nano_graphrag_redis", "migrate", "--from", f"json:{workdir}",
               "--to", url, "--key-prefix", "json_memory_bench"]
        peak("json.load", [sys.executable, "-c", f"import json; print(len(json.load(open({str(path)!r}))))"])
        peak("migrate --dry-run", cli + ["--dry-run"])
        peak("migrate --verify", cli + ["--verify"])
        peak("migrate (second run)", cli)
    from nano_graphrag_redis import SyncRedisKVStorage

    with SyncRedisKVStorage(namespace="text_chunks",
                            global_config={"redis_url": url, "redis_key_prefix": "json_memory_bench"}) as store:
        store.drop()


if __name__ == "__main__":
    main()
