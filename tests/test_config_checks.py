"""Every bad setting fails when the storage is built, named as the user wrote it.

The checks come from the Go schema (storage/settings.go) through the
generated _settings_spec.py; these tests drive them through
resolve_settings and through the storage constructors, with no server.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from nano_graphrag_redis import ConfigurationError, RedisKVStorage, SyncRedisKVStorage, _config
from nano_graphrag_redis._config import resolve_settings
from nano_graphrag_redis._settings_spec import SETTINGS

# The five values that used to pass construction and fail on the first operation.
FIVE_CASES = [
    ({"REDIS_MAX_CONNECTIONS": "20000"}, "REDIS_MAX_CONNECTIONS", "maximum 10000"),
    ({"REDIS_TLS_CA_FILE": __file__, "REDIS_URL": "redis://127.0.0.1:6379"}, "REDIS_TLS_CA_FILE", "rediss://"),
    ({"REDIS_WAIT_REPLICAS": "1", "REDIS_WAIT_TIMEOUT": "3"}, "REDIS_WAIT_TIMEOUT", "must be below read_timeout"),
    ({"REDIS_MIN_RETRY_BACKOFF": "1"}, "REDIS_MIN_RETRY_BACKOFF", "must not exceed max_retry_backoff"),
    ({"REDIS_URL": "redis://127.0.0.1:6379?foo=1"}, "REDIS_URL", "unsupported query parameter 'foo'"),
]


@pytest.mark.parametrize("env, name, words", FIVE_CASES, ids=[c[1] for c in FIVE_CASES])
@pytest.mark.parametrize("face", [SyncRedisKVStorage, RedisKVStorage])
def test_five_cases_fail_at_construction_under_the_environment_name(face, env, name, words, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError) as info:
        face(namespace="ns", global_config={})
    assert f"{name} from the environment" in str(info.value)
    assert words in str(info.value)


@pytest.mark.parametrize("env, name, words", FIVE_CASES, ids=[c[1] for c in FIVE_CASES])
def test_five_cases_fail_under_the_addon_params_key(env, name, words):
    addon = {key.lower(): value for key, value in env.items()}
    with pytest.raises(ConfigurationError) as info:
        resolve_settings({"addon_params": addon}, environ={})
    assert f"{name.lower()} from global_config['addon_params']" in str(info.value)
    assert words in str(info.value)


def test_construction_checks_without_loading_the_native_library():
    # In a fresh interpreter: fork safety depends on not starting the Go runtime here.
    script = """
import json, os, sys
from nano_graphrag_redis import ConfigurationError, SyncRedisKVStorage, _abi
cases = json.loads(sys.argv[1])
errors = []
for env, name, _ in cases:
    os.environ.update(env)
    try:
        SyncRedisKVStorage(namespace="ns", global_config={})
    except ConfigurationError as exc:
        errors.append(str(exc))
    for key in env:
        del os.environ[key]
print(json.dumps({"errors": errors, "loaded": _abi.loaded()}))
"""
    argv = [sys.executable, "-c", script, json.dumps(FIVE_CASES)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    assert len(result["errors"]) == len(FIVE_CASES)
    for (_, name, _), error in zip(FIVE_CASES, result["errors"], strict=True):
        assert error.startswith(f"{name} from the environment:")
    assert result["loaded"] is False


def _bounds():
    for spec in SETTINGS:
        if spec["max"] is None or spec["kind"] == "ttls":
            continue
        below = spec["min"] - (1 if spec["kind"] == "int" else spec["min"] / 2)
        if below != 0 or not spec["zero"]:
            yield pytest.param(spec, below, "minimum", id=f"{spec['key']}<{spec['min']}")
        yield pytest.param(spec, spec["max"] + 1, "maximum", id=f"{spec['key']}>{spec['max']}")


@pytest.mark.parametrize("spec, value, words", list(_bounds()))
def test_each_bound_is_enforced_under_the_users_name(spec, value, words):
    if value < 0 and spec["negative"]:
        pytest.skip("negative values have a meaning here")  # never the case for today's bounds
    name = spec["env"][0]
    with pytest.raises(ConfigurationError) as info:
        resolve_settings({}, environ={name: str(value)})
    assert f"{name} from the environment" in str(info.value) and words in str(info.value)
    with pytest.raises(ConfigurationError, match=rf"{name.lower()} from global_config: .*{words}"):
        resolve_settings({name.lower(): value}, environ={})
    # The bound itself is accepted (a rule between settings may still refuse it).
    for edge in (spec["min"], spec["max"]):
        try:
            resolve_settings({}, environ={name: str(edge)})
        except ConfigurationError as exc:
            assert "minimum" not in str(exc) and "maximum" not in str(exc)


@pytest.mark.parametrize("raw, words", [("1e300", "maximum 3600"), ("1e-12", "minimum 0.001")])
def test_absurd_socket_timeouts_are_refused_not_mangled(raw, words):
    # 1e300 s overflowed Go's durations into a negative; 1e-12 rounded to 0, the default 3 s.
    with pytest.raises(ConfigurationError) as info:
        resolve_settings({}, environ={"REDIS_SOCKET_TIMEOUT": raw})
    assert "REDIS_SOCKET_TIMEOUT from the environment" in str(info.value)
    assert words in str(info.value) and "negative" not in str(info.value)


def test_ttl_bounds():
    with pytest.raises(ConfigurationError, match="REDIS_TTL_X from the environment: .*maximum"):
        resolve_settings({}, environ={"REDIS_TTL_X": "1e12"})
    with pytest.raises(ConfigurationError, match="REDIS_TTL_X from the environment: .*minimum"):
        resolve_settings({}, environ={"REDIS_TTL_X": "1e-9"})


def test_rule_names_the_setting_the_user_wrote():
    # Only the maximum is written: it is the one named, against the default minimum.
    with pytest.raises(ConfigurationError) as info:
        resolve_settings({}, environ={"REDIS_MAX_RETRY_BACKOFF": "0.01"})
    assert str(info.value).startswith("REDIS_MAX_RETRY_BACKOFF from the environment:")
    assert "min_retry_backoff 0.05 (the default)" in str(info.value)


@pytest.mark.parametrize(
    "env, name, words",
    [
        ({"REDIS_TLS_CERT_FILE": __file__, "REDIS_URL": "rediss://h"}, "REDIS_TLS_CERT_FILE", "given together"),
        ({"REDIS_TLS_CA_FILE": "/nonexistent/ca.pem", "REDIS_URL": "rediss://h"}, "REDIS_TLS_CA_FILE", "not an existing file"),
        ({"REDIS_TOPOLOGY": "cluster", "REDIS_URL": "redis://h/2"}, "REDIS_URL", "only database 0"),
        ({"REDIS_TOPOLOGY": "single", "REDIS_URL": "redis+sentinel://h/m"}, "REDIS_TOPOLOGY", "sentinel"),
        ({"REDIS_TOPOLOGY": "cluster", "REDIS_URL": "unix:///r.sock"}, "REDIS_TOPOLOGY", "unix socket"),
    ],
)
def test_other_rules_fail_at_construction(env, name, words):
    with pytest.raises(ConfigurationError) as info:
        resolve_settings({}, environ=env)
    assert str(info.value).startswith(f"{name} from the environment:") and words in str(info.value)


# --- misplaced settings (issue #12) ------------------------------------------------


def test_unknown_redis_key_at_top_level_is_rejected():
    with pytest.raises(ConfigurationError, match=r"unknown setting 'redis_urll' in global_config;"):
        resolve_settings({"redis_urll": "redis://elsewhere:1"}, environ={})


@pytest.mark.parametrize("key, hint", [("url", "redis_url"), ("max_connections", "redis_max_connections"),
                                       ("pool_size", "redis_max_connections")])
def test_setting_without_its_prefix_in_addon_params_is_pointed_out(key, hint):
    with pytest.raises(ConfigurationError) as info:
        resolve_settings({"addon_params": {key: "redis://x:1" if key == "url" else 3}}, environ={})
    assert f"'{key}' in global_config['addon_params'] is not read" in str(info.value)
    assert repr(hint) in str(info.value)


def test_other_addon_params_are_left_alone():
    assert resolve_settings({"addon_params": {"entity_types": ["person"]}}, environ={}).to_wire() == {}


def test_redis_uri_is_an_alias_and_redis_url_wins():
    assert resolve_settings({}, environ={"REDIS_URI": "redis://a:1"}).url == "redis://a:1"
    both = {"REDIS_URI": "redis://a:1", "REDIS_URL": "redis://b:2"}
    assert resolve_settings({}, environ=both).url == "redis://b:2"
    with pytest.raises(ConfigurationError, match="REDIS_URI from the environment"):
        resolve_settings({}, environ={"REDIS_URI": "http://a:1"})


def test_the_default_url_is_logged_once(monkeypatch, caplog):
    monkeypatch.setattr(_config, "_default_url_logged", False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_URI", raising=False)
    with caplog.at_level(logging.WARNING, logger="nano_graphrag_redis"):
        for _ in range(3):
            SyncRedisKVStorage(namespace="ns", global_config={}).close()
        SyncRedisKVStorage(namespace="ns", global_config={"redis_url": "redis://u:pw@h:1"}).close()
    logged = [r.getMessage() for r in caplog.records if "no Redis URL configured" in r.getMessage()]
    assert logged == [logged[0]] and "redis://127.0.0.1:6379" in logged[0]


def test_a_configured_url_is_not_logged(monkeypatch, caplog):
    monkeypatch.setattr(_config, "_default_url_logged", False)
    with caplog.at_level(logging.WARNING, logger="nano_graphrag_redis"):
        SyncRedisKVStorage(namespace="ns", global_config={"redis_url": "redis://u:pw@h:1"}).close()
    assert not [r for r in caplog.records if "no Redis URL configured" in r.getMessage()]
