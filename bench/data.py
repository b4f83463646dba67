"""The values the benchmark writes, shaped like nano-graphrag's namespaces (CONTEXT §1).

Everything comes from bench/data/ in this repository (see its README) and is
deterministic: the same sizes give the same ids and values on every run, so
two runs store the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
TEXT_FILE = DATA_DIR / "a-christmas-carol.txt"
CACHE_FILE = DATA_DIR / "llm-response-cache.json"

Values = dict[str, dict[str, Any]]


def md5_id(prefix: str, text: str) -> str:
    """nano-graphrag's compute_mdhash_id: prefix + md5 hex of the content."""
    return prefix + hashlib.md5(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def sample_text() -> str:
    return TEXT_FILE.read_text(encoding="utf-8")


def text_chunks(n: int) -> Values:
    """n text_chunks values: 4-5 KB windows of the book (about 1200 tokens, as nano-graphrag cuts them)."""
    text = sample_text()
    out: Values = {}
    for i in range(n):
        size = 4096 + (i * 37) % 1024
        start = (i * 4099) % (len(text) - size)
        content = text[start : start + size]
        out[md5_id("chunk-", f"{i}:{content}")] = {
            "tokens": size // 4,
            "content": content,
            "chunk_order_index": i % 40,
            "full_doc_id": md5_id("doc-", str(i // 40)),
        }
    return out


@lru_cache(maxsize=1)
def _recorded_cache() -> list[dict[str, Any]]:
    return list(json.loads(CACHE_FILE.read_text(encoding="utf-8")).values())


def llm_response_cache(n: int) -> Values:
    """n llm_response_cache values: the 187 recorded gpt-4o answers, repeated under fresh hashes."""
    answers = _recorded_cache()
    return {md5_id("", f"prompt {i}"): answers[i % len(answers)] for i in range(n)}


def community_reports(n: int) -> Values:
    """n community_reports values: nano-graphrag's report dict, with names and text from the book."""
    text = sample_text()
    names = sorted(set(re.findall(r"\b[A-Z][a-z]{3,}\b", text)))
    rng = random.Random(7)
    out: Values = {}
    for i in range(n):
        nodes = rng.sample(names, 8)
        start = rng.randrange(len(text) - 2000)
        summary = text[start : start + 1500]
        findings = [{"summary": f"{a} and {b}", "explanation": text[start + 200 * k : start + 200 * k + 400]}
                    for k, (a, b) in enumerate(pairwise(nodes[:4]))]
        report_json = {"title": f"{nodes[0]} community", "summary": summary, "rating": rng.randint(1, 10),
                       "rating_explanation": "from the book", "findings": findings}
        out[str(i)] = {
            "report_string": f"# {report_json['title']}\n\n{summary}",
            "report_json": report_json,
            "level": i % 3,
            "title": f"Cluster {i}",
            "edges": [[a, b] for a, b in pairwise(nodes)],
            "nodes": nodes,
            "chunk_ids": [md5_id("chunk-", f"{i}:{k}") for k in range(6)],
            "occurrence": round(rng.random(), 4),
            "sub_communities": [str(n + i * 3 + k) for k in range(2)],
        }
    return out


NAMESPACES = {
    "text_chunks": text_chunks,
    "llm_response_cache": llm_response_cache,
    "community_reports": community_reports,
}
