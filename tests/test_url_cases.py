"""The URL rule, in Python (_url.py): the same case table the Go core passes.

storage/testdata/url_cases.json is run by storage/url_cases_test.go too, so
Go and Python give the same accept/reject answer, endpoint and redaction.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nano_graphrag_redis._url import URLError, parse_url, redact_url

CASES = json.loads((Path(__file__).parent.parent / "storage" / "testdata" / "url_cases.json").read_text())["cases"]


def test_the_table_has_both_answers():
    assert {case["ok"] for case in CASES} == {True, False}


@pytest.mark.parametrize("case", CASES, ids=[case["url"] for case in CASES])
def test_url_case(case):
    assert redact_url(case["url"]) == case["redacted"]
    if not case["ok"]:
        with pytest.raises(URLError) as info:
            parse_url(case["url"])
        assert "s3cr3t" not in str(info.value)
        return
    ep = parse_url(case["url"])
    want = case["endpoint"]
    assert ep._asdict() == {**want, "addrs": tuple(want["addrs"])}
