"""``python -m nano_graphrag_redis``: the same command as ``nano-graphrag-redis``."""

from .cli import main

main(prog_name="nano-graphrag-redis")
