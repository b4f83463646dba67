"""Run nano-graphrag (0.0.8.2 from PyPI) offline and deterministically.

Used by examples/demo.py and tests/e2e. It replaces only what needs a network
or a heavy dependency, and keeps nano-graphrag's own code paths:

- `FakeOpenAI`: stands in for the AsyncOpenAI client inside nano_graphrag._llm,
  so the real `gpt_4o_complete` runs, including its LLM cache lookups and
  upserts on our storage. It answers each prompt kind in the format
  nano-graphrag parses (entity records, community report JSON, map points
  JSON, plain answers) and counts its calls. Answers are a pure function of
  the prompt, so two processes give identical results.
- `hashed_embedding`: a deterministic bag-of-words embedding.
- `LouvainGraphStorage`: NetworkXStorage whose clustering uses networkx's
  Louvain instead of graspologic's hierarchical Leiden (graspologic pulls in
  a large scientific stack). It writes the same "clusters" node attribute, so
  nano-graphrag's community schema and reports work unchanged.
- `tokenizer_cache_dir()`: where scripts/fetch-tokenizer.sh put o200k_base.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
SAMPLE_TEXT = Path(__file__).resolve().parent / "sample.txt"
TOKENIZER_FILE = "fb374d419588a4632f3f557e76b4b70aebbca790"  # o200k_base, tiktoken's cache name


def tokenizer_cache_dir() -> str:
    """Point TIKTOKEN_CACHE_DIR at the fetched o200k_base file (before tiktoken is used)."""
    folder = os.environ.get("TIKTOKEN_CACHE_DIR") or str(REPO / ".cache" / "tiktoken")
    if not (Path(folder) / TOKENIZER_FILE).is_file():
        raise RuntimeError(f"{folder}/{TOKENIZER_FILE} is missing: run scripts/fetch-tokenizer.sh")
    os.environ["TIKTOKEN_CACHE_DIR"] = folder
    return folder


# --- embedding ---------------------------------------------------------------

EMBEDDING_DIM = 128


def _embed_one(text: str) -> np.ndarray:
    vector = np.zeros(EMBEDDING_DIM, dtype=np.float32)
    for word in re.findall(r"[a-z]+", text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
        vector[int.from_bytes(digest, "little") % EMBEDDING_DIM] += 1.0
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


def make_hashed_embedding():
    """nano-graphrag's embedding_func: words hashed into buckets, L2-normalised."""
    from nano_graphrag._utils import wrap_embedding_func_with_attrs

    @wrap_embedding_func_with_attrs(embedding_dim=EMBEDDING_DIM, max_token_size=8192)
    async def hashed_embedding(texts: list[str]) -> np.ndarray:
        return np.array([_embed_one(t) for t in texts])

    return hashed_embedding


# --- clustering ----------------------------------------------------------------


def make_louvain_graph_storage():
    """A NetworkXStorage subclass clustering with networkx Louvain (no graspologic)."""
    from nano_graphrag._storage import NetworkXStorage

    class LouvainGraphStorage(NetworkXStorage):
        async def _leiden_clustering(self):
            # A copy with sorted nodes and edges, so the result does not depend on insertion order.
            stable = nx.Graph()
            stable.add_nodes_from(sorted(self._graph.nodes))
            stable.add_edges_from(
                sorted((min(u, v), max(u, v), {"weight": float(d.get("weight", 1.0))})
                       for u, v, d in self._graph.edges(data=True))
            )
            seed = self.global_config["graph_cluster_seed"]
            partitions = list(nx.community.louvain_partitions(stable, weight="weight", seed=seed))
            # Louvain yields finest first; nano-graphrag's level 0 is the coarsest.
            levels = []
            for partition in reversed(partitions):
                communities = sorted(sorted(c) for c in partition)
                if not levels or communities != levels[-1]:
                    levels.append(communities)
            node_clusters: dict[str, list[dict]] = {n: [] for n in stable.nodes}
            cluster_id = 0
            for level, communities in enumerate(levels):
                for community in communities:
                    for node in community:
                        node_clusters[node].append({"level": level, "cluster": cluster_id})
                    cluster_id += 1
            self._cluster_data_to_subgraphs(node_clusters)

    return LouvainGraphStorage


# --- the fake OpenAI client ------------------------------------------------------

_TUPLE, _RECORD, _DONE = "<|>", "##", "<|COMPLETE|>"
_NOT_NAMES = {
    "The", "A", "An", "And", "But", "When", "With", "In", "It", "Its", "That", "This", "Every",
    "He", "She", "They", "His", "Her", "Their", "Above", "After", "Before", "On", "At", "As",
    "During", "Later", "Then", "There", "Each", "One", "Two", "If", "So", "For", "From", "To",
}
_ORG_WORDS = ("Guild", "Office", "Council", "Company", "Association", "Society")
_EVENT_WORDS = ("Festival", "Tide")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _names(sentence: str) -> list[str]:
    found = []
    for match in re.finditer(r"[A-Z][a-zA-Z'-]+(?: (?:of )?[A-Z][a-zA-Z'-]+)*", sentence):
        words = match.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words).removesuffix("'s")
        if name and name not in _NOT_NAMES:
            found.append(name)
    return found


def _entity_type(name: str, text: str) -> str:
    if name.endswith(_ORG_WORDS):
        return "organization"
    if name.endswith(_EVENT_WORDS):
        return "event"
    places = len(re.findall(rf"\b(?:in|of|to|from|at|on|into) (?:the )?{re.escape(name)}\b", text))
    return "geo" if places * 2 >= text.count(name) else "person"


def extraction_answer(text: str) -> str:
    """Entity and relationship records in nano-graphrag's extraction format."""
    sentences = _sentences(text)
    per_sentence = [sorted(set(_names(s))) for s in sentences]
    counts = Counter(n for names in per_sentence for n in names)
    keep = {n for n, c in counts.items() if c >= 2 or " " in n}
    records, pairs = [], Counter()
    first_mention: dict[str, str] = {}
    for sentence, names in zip(sentences, per_sentence, strict=True):
        names = [n for n in names if n in keep]
        for name in names:
            first_mention.setdefault(name, sentence)
        pairs.update(combinations(names, 2))
    for name in sorted(keep):
        records.append(f'("entity"{_TUPLE}"{name}"{_TUPLE}"{_entity_type(name, text)}"'
                       f'{_TUPLE}"{first_mention[name][:300]}")')
    for (a, b), strength in sorted(pairs.items()):
        description = f"{a} and {b} appear together in {strength} sentence(s) of the text."
        records.append(f'("relationship"{_TUPLE}"{a}"{_TUPLE}"{b}"{_TUPLE}"{description}"'
                       f'{_TUPLE}{min(strength * 2, 10)})')
    return _RECORD.join(records) + _DONE


def _csv_column(section: str, header: str, column: str) -> list[str]:
    """Values of one column of a CSV table nano-graphrag put in a prompt, by header name."""
    match = re.search(rf"-----{header}-----\s*```csv\s*(.*?)```", section, re.DOTALL)
    if not match:
        return []
    rows = [[cell.strip().strip('"') for cell in row.split(",\t")]
            for row in match.group(1).strip().splitlines()]
    if not rows or column not in rows[0]:
        return []
    index = rows[0].index(column)
    return [row[index] for row in rows[1:] if len(row) > index]


def community_report_answer(prompt: str) -> str:
    entities = _csv_column(prompt, "Entities", "entity")
    descriptions = _csv_column(prompt, "Entities", "description")
    lead = ", ".join(entities[:3]) or "unnamed entities"
    return json.dumps({
        "title": f"Community around {lead}",
        "summary": f"{len(entities)} entities linked to {lead}.",
        "rating": float(min(len(entities), 10)),
        "rating_explanation": "Rated by the number of entities in the community.",
        "findings": [{"summary": name, "explanation": desc[:300]}
                     for name, desc in zip(entities[:5], descriptions[:5], strict=False)],
    })


def _report_titles(context: str) -> list[str]:
    # Report strings start with "# <title>"; in a CSV cell they follow a quote.
    return re.findall(r'(?:^|")# ([^\n"]+)', context, re.MULTILINE)


def map_points_answer(query: str, system_prompt: str) -> str:
    titles = _report_titles(system_prompt)
    points = [{"description": f"{title} is relevant to: {query}", "score": 10 - i}
              for i, title in enumerate(titles[:5])]
    return json.dumps({"points": points})


def plain_answer(kind: str, query: str, system_prompt: str) -> str:
    found = (
        _csv_column(system_prompt, "Entities", "entity")  # local: entity table
        or _report_titles(system_prompt)
        or re.findall(r"^(.+?) is relevant to:", system_prompt, re.MULTILINE)  # global: analysts' points
        or [n for n, _ in Counter(_names(system_prompt)).most_common(5)]  # naive: raw chunks
    )
    fingerprint = hashlib.sha1(system_prompt.encode()).hexdigest()[:10]
    return f"[{kind} answer to {query!r}] Based on {', '.join(found[:5]) or 'nothing'} (context {fingerprint})."


def answer(messages: list[dict]) -> tuple[str, str]:
    """(kind, text) for a chat request, from the prompt alone."""
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    prompt = messages[-1]["content"]
    if system:
        if '"points"' in system:
            return "global-map", map_points_answer(prompt, system)
        if "synthesizing perspectives from multiple analysts" in system:
            return "global-reduce", plain_answer("global", prompt, system)
        if "Below are the knowledge you know" in system:
            return "naive", plain_answer("naive", prompt, system)
        return "local", plain_answer("local", prompt, system)
    if prompt.startswith("-Goal-") and "-Real Data-" in prompt:
        text = prompt.rsplit("Text: ", 1)[-1].rsplit("######################", 1)[0]
        return "extract", extraction_answer(text)
    if prompt.startswith("MANY entities were missed"):
        return "glean", _DONE
    if "Answer YES | NO" in prompt:
        return "loop", "NO"
    if "Write a comprehensive report of a community" in prompt:
        return "community-report", community_report_answer(prompt)
    if "comprehensive summary of the data provided below" in prompt:
        return "summary", prompt.rsplit("Description List:", 1)[-1].split("#######")[0].strip()[:400]
    return "other", "OK"


class FakeOpenAI:
    """The part of AsyncOpenAI that nano_graphrag._llm uses: chat.completions.create."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    async def _create(self, model: str, messages: list[dict], **kwargs):
        kind, text = answer(messages)
        self.calls[kind] += 1
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=text))])


def install_fake_openai() -> FakeOpenAI:
    """Make nano-graphrag's gpt_4o_complete/gpt_4o_mini_complete talk to a FakeOpenAI."""
    import nano_graphrag._llm as llm

    client = FakeOpenAI()
    llm.global_openai_async_client = client
    return client


def offline_graphrag_kwargs() -> dict:
    """GraphRAG(...) keyword arguments that keep a run offline and reproducible."""
    tokenizer_cache_dir()
    return {
        "embedding_func": make_hashed_embedding(),
        "graph_storage_cls": make_louvain_graph_storage(),
        "enable_naive_rag": True,
        "chunk_token_size": 400,
        "chunk_overlap_token_size": 40,
    }
