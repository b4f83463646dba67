"""The benchmark harness behind `make bench` (docs/benchmarks.md says how to read and run it).

One module per concern:
- `data`: the values (text_chunks, llm_response_cache, community_reports) cut from bench/data/;
- `peers/`: nano_graphrag_redis and the clients it is compared with, behind one small interface;
- `timing`: interleaved rounds, back-to-back runs, the "app" mode, medians and percentiles;
- `context`: one run's sizes (profiles quick/full/smoke) and its open, seeded peers;
- `workloads`: what is measured, built from the above;
- `server`: what needs no Python client (redis-benchmark, the Go core, Redis memory);
- `targets`, `report`, `charts`: results/latest.json against the issue's targets, the docs page, the PNGs.
`python -m bench --help` (or `make bench ONLY=...`) runs it.
"""
