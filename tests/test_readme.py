"""README's first snippet, run as written (only the server's address swapped for the test server's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
NANO_GRAPHRAG_NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")


def first_snippet() -> tuple[str, str]:
    """The first python block and the sentence that says what it prints."""
    match = re.search(r"```python\n(.*?)```\n\nIt prints (.*?)\.\n", README, re.DOTALL)
    assert match, "README lost its first snippet or its 'It prints ...' line"
    return match.group(1), match.group(2)


def test_first_snippet_writes_only_its_own_data():
    code, _ = first_snippet()
    assert not any(f'"{ns}"' in code for ns in NANO_GRAPHRAG_NAMESPACES), "a nano-graphrag namespace"
    assert "key_prefix=" in code and "nano_graphrag" not in code.replace("nano_graphrag_redis", "")


def test_first_snippet_prints_what_readme_says_and_leaves_nothing(single_url, tmp_path):
    code, promised = first_snippet()
    script = tmp_path / "try.py"
    script.write_text(code.replace("redis://127.0.0.1:6379", single_url))
    done = subprocess.run([sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = [part.strip("`") for part in re.split(r"`,? then `|`, then `", promised)]
    assert done.stdout.splitlines() == expected
    host, port = single_url.removeprefix("redis://").split(":")
    left = subprocess.run(["redis-cli", "-h", host, "-p", port, "--scan", "--pattern", "ngr_try:*"],
                          capture_output=True, text=True, check=True).stdout
    assert left == ""
