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


@pytest.fixture
def fake_fork(monkeypatch):
    """A nano_graphrag package tree whose _storage.factory has a StorageFactory."""

    class StorageFactory:
        kv_loaders: ClassVar[dict] = {}

        @classmethod
        def register_kv(cls, name, loader):
            cls.kv_loaders[name] = loader

    tree = OrderedDict(
        (name, types.ModuleType(name)) for name in ("nano_graphrag", "nano_graphrag._storage", FACTORY)
    )
    for module in tree.values():
        module.__path__ = []  # a package, so submodules can be imported
    tree[FACTORY].StorageFactory = StorageFactory
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
