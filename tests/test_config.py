"""Settings resolution (python/nano_graphrag_redis/_config.py): a pure function, no server."""

from __future__ import annotations

import pytest

from nano_graphrag_redis._config import SETTING_NAMES, Settings, redact_url, resolve_settings
from nano_graphrag_redis._errors import ConfigurationError, RedisKVError

SECRET = "s3cr3t-pw"
A_FILE = __file__  # any existing file stands for a PEM file: only Go reads them
# What some settings need around them to be valid alone (the rules between settings).
CONTEXT = {
    "REDIS_TLS_CA_FILE": {"REDIS_URL": "rediss://h"},
    "REDIS_TLS_CERT_FILE": {"REDIS_URL": "rediss://h", "REDIS_TLS_KEY_FILE": A_FILE},
    "REDIS_TLS_KEY_FILE": {"REDIS_URL": "rediss://h", "REDIS_TLS_CERT_FILE": A_FILE},
    "REDIS_TLS_INSECURE_SKIP_VERIFY": {"REDIS_URL": "rediss://h"},
}


def resolve(environ=None, addon=None, **top):
    config = dict(top)
    if addon is not None:
        config["addon_params"] = addon
    return resolve_settings(config, environ=environ or {})


def test_nothing_set_sends_nothing():
    settings = resolve()
    assert settings == Settings()
    assert settings.to_wire() == {}


def test_precedence_addon_over_top_level_over_environment():
    env = {"REDIS_URL": "redis://env:1", "REDIS_MAX_CONNECTIONS": "7", "REDIS_KEY_PREFIX": "envp"}
    top = {"redis_url": "redis://top:2", "redis_max_connections": 8}
    addon = {"redis_url": "redis://addon:3"}
    settings = resolve(env, addon, **top)
    assert settings.url == "redis://addon:3"
    assert settings.pool_size == 8
    assert settings.key_prefix == "envp"


def test_none_and_empty_mean_unset():
    settings = resolve({"REDIS_URL": "redis://env:1", "REDIS_PASSWORD": ""},
                       {"redis_url": None}, redis_url="")
    assert settings.url == "redis://env:1"
    assert settings.password is None


@pytest.mark.parametrize(
    "name, raw, field, expected",
    [
        ("REDIS_URL", "rediss://h:6380/0", "url", "rediss://h:6380/0"),
        ("REDIS_URL", "unix:///tmp/redis.sock", "url", "unix:///tmp/redis.sock"),
        ("REDIS_URI", "redis://lightrag:7", "url", "redis://lightrag:7"),
        ("REDIS_USERNAME", "app", "username", "app"),
        ("REDIS_PASSWORD", SECRET, "password", SECRET),
        ("REDIS_TOPOLOGY", "Cluster", "topology", "cluster"),
        ("REDIS_CLUSTER_NODES", "a:1, b:2", "cluster_addrs", ("a:1", "b:2")),
        ("REDIS_TLS_CA_FILE", A_FILE, "tls_ca_file", A_FILE),
        ("REDIS_TLS_CERT_FILE", A_FILE, "tls_cert_file", A_FILE),
        ("REDIS_TLS_KEY_FILE", A_FILE, "tls_key_file", A_FILE),
        ("REDIS_TLS_INSECURE_SKIP_VERIFY", "yes", "tls_insecure_skip_verify", True),
        ("REDIS_MAX_CONNECTIONS", "32", "pool_size", 32),
        ("REDIS_CONNECTION_TIMEOUT", "2.5", "dial_timeout", 2.5),
        ("REDIS_READ_TIMEOUT", "3", "read_timeout", 3),
        ("REDIS_WRITE_TIMEOUT", "4", "write_timeout", 4),
        ("REDIS_MAX_RETRIES", "-1", "max_retries", -1),
        ("REDIS_MIN_RETRY_BACKOFF", "0.05", "min_retry_backoff", 0.05),
        ("REDIS_MAX_RETRY_BACKOFF", "0.5", "max_retry_backoff", 0.5),
        ("REDIS_RETRY_ON_TIMEOUT", "false", "retry_on_timeout", False),
        ("REDIS_OPERATION_TIMEOUT", "7.5", "operation_timeout", 7.5),
        ("REDIS_HEALTH_CHECK_INTERVAL", "30", "health_check_interval", 30),
        ("REDIS_HEALTH_CHECK_INTERVAL", "-1", "health_check_interval", -1),
        ("REDIS_KEY_PREFIX", "myapp", "key_prefix", "myapp"),
        ("REDIS_WORKSPACE", "tenant-a", "workspace", "tenant-a"),
        ("REDIS_WORKSPACE", "None", "workspace", ""),
        ("REDIS_SHARED_NAMESPACES", "llm_response_cache, full_docs", "shared_namespaces",
         ("full_docs", "llm_response_cache")),
        ("REDIS_SHARED_NAMESPACES", "none", "shared_namespaces", ()),
        ("REDIS_COMPRESS_THRESHOLD", "4096", "compress_threshold", 4096),
        ("REDIS_MAX_VALUE_SIZE", "1048576", "max_value_size", 1048576),
        ("REDIS_BATCH_SIZE", "500", "batch_size", 500),
        ("REDIS_WAIT_REPLICAS", "1", "wait_replicas", 1),
        ("REDIS_WAIT_TIMEOUT", "0.5", "wait_timeout", 0.5),
        ("REDIS_EVICTING_SERVER", "Refuse", "evicting_server", "refuse"),
        ("REDIS_MIGRATION_PHASE", "read-new", "migration_phase", "read-new"),
        ("REDIS_MIGRATION_OLD_CLASS", "pkg.mod:Old", "migration_old_class", "pkg.mod:Old"),
        ("REDIS_SYNC_INTERRUPTIBLE", "no", "sync_interruptible", False),
        ("REDIS_OPENTELEMETRY", "off", "opentelemetry", False),
    ],
)
def test_each_environment_variable(name, raw, field, expected):
    context = CONTEXT.get(name, {})
    from_env = resolve({**context, name: raw})
    assert getattr(from_env, field) == expected
    assert from_env.to_wire()[field] == (list(expected) if isinstance(expected, tuple) else expected)
    # The same name, lowercased, works at top level and in addon_params.
    assert getattr(resolve(context, **{name.lower(): raw}), field) == expected
    assert getattr(resolve(context, addon={name.lower(): raw}), field) == expected


def test_every_documented_name_is_tested():
    tested = {p[0] for p in test_each_environment_variable.pytestmark[0].args[1]}
    assert set(SETTING_NAMES) - tested == {"REDIS_SOCKET_TIMEOUT"}
    assert "REDIS_URI" in SETTING_NAMES


def test_socket_timeout_sets_read_and_write_unless_more_specific():
    settings = resolve({"REDIS_SOCKET_TIMEOUT": "5"})
    assert (settings.read_timeout, settings.write_timeout) == (5, 5)
    settings = resolve({"REDIS_SOCKET_TIMEOUT": "5", "REDIS_READ_TIMEOUT": "1"})
    assert (settings.read_timeout, settings.write_timeout) == (1, 5)


def test_native_values_from_global_config():
    settings = resolve(addon={"redis_retry_on_timeout": True, "redis_cluster_nodes": ["h:1", "h:2"],
                              "redis_socket_timeout": 1.5})
    assert settings.retry_on_timeout is True
    assert settings.cluster_addrs == ("h:1", "h:2")
    assert settings.read_timeout == 1.5


def test_ttl_from_environment_lowercased_and_negative_means_zero():
    settings = resolve({"REDIS_TTL_LLM_RESPONSE_CACHE": "3600", "REDIS_TTL_FULL_DOCS": "-5"})
    assert settings.to_wire()["ttl"] == {"llm_response_cache": 3600, "full_docs": 0}


def test_ttl_precedence_per_namespace():
    settings = resolve(
        {"REDIS_TTL_LLM_RESPONSE_CACHE": "1", "REDIS_TTL_TEXT_CHUNKS": "2"},
        {"redis_ttl": {"llm_response_cache": 10}, "redis_ttl_community_reports": 30},
        redis_ttl_text_chunks=20,
    )
    assert dict(settings.ttl) == {"llm_response_cache": 10, "text_chunks": 20, "community_reports": 30}


def test_settings_are_hashable_and_equal_by_value():
    a = resolve({"REDIS_TTL_X": "1", "REDIS_CLUSTER_NODES": "a:1"})
    b = resolve(addon={"redis_ttl": {"x": 1}, "redis_cluster_nodes": ["a:1"]})
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1


@pytest.mark.parametrize(
    "name, raw, words",
    [
        ("REDIS_MAX_CONNECTIONS", "abc", ["REDIS_MAX_CONNECTIONS", "the environment", "'abc'", "not an integer"]),
        ("REDIS_MAX_CONNECTIONS", "0", ["REDIS_MAX_CONNECTIONS", "minimum 1"]),
        ("REDIS_CONNECTION_TIMEOUT", "-1", ["REDIS_CONNECTION_TIMEOUT", "negative"]),
        ("REDIS_SOCKET_TIMEOUT", "nan", ["REDIS_SOCKET_TIMEOUT", "finite"]),
        ("REDIS_RETRY_ON_TIMEOUT", "maybe", ["REDIS_RETRY_ON_TIMEOUT", "not a boolean"]),
        ("REDIS_URL", "http://h:1", ["REDIS_URL", "scheme 'http'"]),
        ("REDIS_URL", "redis://h:notaport", ["REDIS_URL", "not a valid URL"]),
        ("REDIS_TOPOLOGY", "mesh", ["REDIS_TOPOLOGY", "auto, single, cluster, sentinel"]),
        ("REDIS_CLUSTER_NODES", "a:1,b", ["REDIS_CLUSTER_NODES", "'b' is not host:port"]),
        ("REDIS_KEY_PREFIX", "a{b}", ["REDIS_KEY_PREFIX", "no '{' or '}'"]),
        ("REDIS_TTL_LLM_RESPONSE_CACHE", "soon", ["REDIS_TTL_LLM_RESPONSE_CACHE", "not a number"]),
        ("REDIS_WAIT_REPLICAS", "-2", ["REDIS_WAIT_REPLICAS", "minimum 0"]),
    ],
)
def test_bad_environment_value_names_setting_and_source(name, raw, words):
    with pytest.raises(ConfigurationError) as info:
        resolve({name: raw})
    for word in words:
        assert word in str(info.value)


def test_bad_value_in_global_config_names_the_place():
    with pytest.raises(ConfigurationError, match=r"redis_max_connections from global_config\['addon_params'\]"):
        resolve(addon={"redis_max_connections": "many"})
    with pytest.raises(ConfigurationError, match=r"redis_max_connections from global_config: True"):
        resolve(redis_max_connections=True)
    with pytest.raises(ConfigurationError, match="redis_ttl from global_config.*expected a dict"):
        resolve(redis_ttl=5)


def test_configuration_error_is_both_package_error_and_value_error():
    with pytest.raises(ValueError):
        resolve({"REDIS_WAIT_TIMEOUT": "x"})
    assert issubclass(ConfigurationError, RedisKVError)


def test_unknown_redis_key_in_addon_params_is_rejected():
    with pytest.raises(ConfigurationError, match="unknown setting 'redis_pasword'"):
        resolve(addon={"redis_pasword": "x"})


def test_unknown_redis_variable_in_environment_is_ignored():
    assert resolve({"REDIS_HOST": "elsewhere"}) == Settings()


def test_addon_params_must_be_a_dict():
    with pytest.raises(ConfigurationError, match="addon_params"):
        resolve_settings({"addon_params": ["redis_url"]}, environ={})


def test_repr_never_shows_the_password():
    url = f"redis://app:{SECRET}@h:6379/0"
    settings = resolve({"REDIS_URL": url, "REDIS_PASSWORD": SECRET})
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert "redis://app:***@h:6379/0" in repr(settings)
    assert settings.to_wire()["password"] == SECRET  # the wire still carries it


def test_bad_password_value_does_not_echo_it():
    with pytest.raises(ConfigurationError) as info:
        resolve(addon={"redis_password": 12345})
    assert "12345" not in str(info.value)
    assert "redis_password" in str(info.value)


def test_error_about_a_url_redacts_its_password():
    with pytest.raises(ConfigurationError) as info:
        resolve({"REDIS_URL": f"http://app:{SECRET}@h:1"})
    assert SECRET not in str(info.value)
    assert "***" in str(info.value)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("redis://h:1", "redis://h:1"),
        ("redis://u:pw@h:1/2", "redis://u:***@h:1/2"),
        ("rediss://:pw@h", "rediss://:***@h"),
        ("redis://u@h", "redis://u@h"),
    ],
)
def test_redact_url(url, shown):
    assert redact_url(url) == shown


@pytest.mark.parametrize("url", [f"redis://u:12/{SECRET}@h:1", f"redis://u:{SECRET}/x@h:1", f"redis://u:{SECRET}@x@h:1"])
def test_url_password_with_raw_reserved_characters_is_accepted_and_hidden(url):
    # The Go core reads the userinfo up to the last '@'; so must every redaction.
    settings = resolve({"REDIS_URL": url})
    assert settings.url == url
    assert SECRET not in repr(settings)


def test_url_without_scheme_but_with_userinfo_is_hidden_in_the_error():
    with pytest.raises(ConfigurationError) as info:
        resolve({"REDIS_URL": f"app:{SECRET}@h:6379"})
    assert SECRET not in str(info.value)


def test_workspace_derives_from_the_real_working_dir(tmp_path, monkeypatch):
    graph = tmp_path / "my graph{1}"
    graph.mkdir()
    (tmp_path / "link").symlink_to(graph)
    monkeypatch.chdir(tmp_path)
    derived = {resolve(working_dir=d).workspace for d in (str(graph), "./my graph{1}", "link", "link/")}
    assert len(derived) == 1  # one directory, one workspace, however it is spelled
    (workspace,) = derived
    assert workspace.startswith("my_graph_1_-") and "{" not in workspace
    assert resolve(working_dir=str(tmp_path)).workspace != workspace
    assert resolve(working_dir=str(graph)).to_wire()["workspace"] == workspace


def test_explicit_workspace_wins_over_the_working_dir():
    assert resolve({"REDIS_WORKSPACE": "shared"}, working_dir="/srv/a").workspace == "shared"
    assert resolve(addon={"redis_workspace": "none"}, working_dir="/srv/a").to_wire()["workspace"] == ""
    assert resolve().workspace is None  # no working_dir (a storage on its own): no workspace


@pytest.mark.parametrize("name, raw", [("redis_workspace", "a{b"), ("redis_workspace", 3),
                                       ("redis_shared_namespaces", "a,,b"), ("redis_shared_namespaces", 7)])
def test_bad_workspace_settings_name_the_key(name, raw):
    with pytest.raises(ConfigurationError, match=name):
        resolve(addon={name: raw})
