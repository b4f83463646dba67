"""register() and resolve_class() (python/nano_graphrag_redis/_integration.py).

register() depends only on the import system, so a small fake of the fork's
module tree in sys.modules is enough to check it; no server is needed.
"""

from __future__ import annotations

import sys
import types
from collections import OrderedDict
from typing import ClassVar

import pytest

import nano_graphrag_redis
from nano_graphrag_redis._errors import ConfigurationError
from nano_graphrag_redis._integration import register, resolve_class

FACTORY = "nano_graphrag._storage.factory"


class ForkJson:
    """Stands for the fork's JsonKVStorage: only its identity matters here."""


class ForkRedis:
    """Stands for the fork's own RedisKVStorage."""


@pytest.fixture
def fake_fork(monkeypatch):
    """A nano_graphrag package tree whose _storage.factory has the fork's registration rule.

    From a reading of the fork's nano_graphrag/_storage/factory.py (HEAD 670ae32):
    ``_register_backends()`` registers the built-in KV backends only while
    ``StorageFactory._kv_backends`` is empty, and GraphRAG._init_storage (graphrag.py) calls it
    before ``create_kv_storage``, which calls it again for an unknown name and then looks the
    name up. tests/test_fork.py runs the fork's real factory when NGR_FORK_SRC is set.
    """

    class StorageFactory:
        _kv_backends: ClassVar[dict] = {}

        @classmethod
        def register_kv(cls, name, loader):
            cls._kv_backends[name] = loader

        @classmethod
        def create_kv_class(cls, name):
            if name not in cls._kv_backends:
                register_backends()
                if name not in cls._kv_backends:
                    raise ValueError(f"Unknown KV backend: {name}")
            return cls._kv_backends[name]()

    def register_backends():
        if not StorageFactory._kv_backends:
            StorageFactory.register_kv("json", lambda: ForkJson)
            StorageFactory.register_kv("redis", lambda: ForkRedis)

    StorageFactory.kv_loaders = StorageFactory._kv_backends
    tree = OrderedDict(
        (name, types.ModuleType(name)) for name in ("nano_graphrag", "nano_graphrag._storage", FACTORY)
    )
    for module in tree.values():
        module.__path__ = []  # a package, so submodules can be imported
    tree[FACTORY].StorageFactory = StorageFactory
    tree[FACTORY]._register_backends = register_backends
    for name, module in tree.items():
        monkeypatch.setitem(sys.modules, name, module)
    return StorageFactory


@pytest.fixture
def upstream_without_factory(monkeypatch):
    """nano_graphrag as on PyPI: the package exists, the factory module does not."""
    for name in ("nano_graphrag", "nano_graphrag._storage"):
        module = types.ModuleType(name)
        module.__path__ = []
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, FACTORY, raising=False)


def test_register_with_the_fork_registers_a_loader_of_our_class(fake_fork):
    assert register() is True
    loader = fake_fork.kv_loaders["redis"]
    assert loader() is nano_graphrag_redis.RedisKVStorage


def test_register_keeps_the_json_backend_the_factory_would_have_registered(fake_fork):
    assert register() is True
    assert fake_fork.create_kv_class("json") is ForkJson
    assert fake_fork.create_kv_class("redis") is nano_graphrag_redis.RedisKVStorage


def test_register_keeps_what_was_registered_before_it(fake_fork):
    fake_fork.register_kv("json", lambda: OrderedDict)  # another plugin's choice, made first
    register()
    assert fake_fork.create_kv_class("json") is OrderedDict
    assert fake_fork.create_kv_class("redis") is nano_graphrag_redis.RedisKVStorage


def test_register_without_factory_returns_false(upstream_without_factory):
    assert register() is False


def test_register_with_factory_module_but_no_register_kv_returns_false(fake_fork):
    del fake_fork.register_kv
    assert register() is False


def test_register_is_exported():
    assert nano_graphrag_redis.register is register
    assert nano_graphrag_redis.resolve_class is resolve_class


@pytest.mark.parametrize(
    "name", ["nano_graphrag_redis:RedisKVStorage", "nano_graphrag_redis.RedisKVStorage", " nano_graphrag_redis:RedisKVStorage "]
)
def test_resolve_class_both_forms(name):
    assert resolve_class(name) is nano_graphrag_redis.RedisKVStorage


def test_resolve_nested_attribute():
    assert resolve_class("collections:OrderedDict") is OrderedDict
    assert resolve_class("nano_graphrag_redis._config:Settings") is nano_graphrag_redis._config.Settings


@pytest.mark.parametrize("name", ["", "   ", "RedisKVStorage", ":RedisKVStorage", "nano_graphrag_redis:", None])
def test_resolve_class_malformed_name(name):
    with pytest.raises(ConfigurationError, match="class name"):
        resolve_class(name)


def test_resolve_class_missing_module_names_it():
    with pytest.raises(ImportError, match="cannot import module 'no_such_pkg_xyz'"):
        resolve_class("no_such_pkg_xyz:Thing")


def test_resolve_class_missing_attribute_names_it():
    with pytest.raises(ImportError, match="'nano_graphrag_redis' has no attribute 'NoSuchStorage'"):
        resolve_class("nano_graphrag_redis:NoSuchStorage")


def test_resolve_class_rejects_non_class():
    with pytest.raises(TypeError, match="names a function, not a class"):
        resolve_class("nano_graphrag_redis:register")
