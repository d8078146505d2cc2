"""Looks up generators by (kind, engine) without importing any heavy module.

Each media package (``pipelines/sfx`` ...) declares, in its ``__init__.py`` and with no heavy
imports, ``REQUEST = "module:Class"`` and ``ENGINES = [EngineSpec(...), ...]``. The registry
imports those light packages on first use and the engine module only when an engine is built.
The built-in test engines (``pipelines.testing``: test-tone, test-pattern, test-cube) are found by name
(``--engine test-tone``) but listed among a kind's engines only when asked (``include_test=True``, or
``STUDIO_TEST_ENGINES=1`` for the GUI's engine menus), so a creator never picks one by accident.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from pipelines.base import Generator, Request, RequestError
from pipelines.spec import EngineSpec

__all__ = [
    "KINDS",
    "EngineSpec",
    "create",
    "engines",
    "make_request",
    "register",
    "request_class",
    "spec",
    "unregister",
]

KINDS: tuple[str, ...] = ("video", "song", "sfx", "voice", "3d")
_PACKAGES = {
    "video": "pipelines.video",
    "song": "pipelines.song",
    "sfx": "pipelines.sfx",
    "voice": "pipelines.voice",
    "3d": "pipelines.image_to_3d",
}


_extra: dict[tuple[str, str], EngineSpec] = {}
_lookups: dict[tuple[str, str | None], EngineSpec] = {}  # spec() answers, forgotten on register/unregister


def _kind_package(kind: str):
    if kind not in _PACKAGES:
        raise RequestError(f"unknown media kind {kind!r}; choose one of: {', '.join(KINDS)}")
    return importlib.import_module(_PACKAGES[kind])


def register(spec: EngineSpec) -> None:
    """Add an engine at run time (tests, plug-ins)."""
    _extra[(spec.kind, spec.engine)] = spec
    _lookups.clear()


def unregister(kind: str, engine: str) -> None:
    _extra.pop((kind, engine), None)
    _lookups.clear()


def engines(kind: str, include_test: bool | None = None) -> list[EngineSpec]:
    """The engines of one kind: the default first, then the other real engines; with ``include_test`` (default:
    the ``STUDIO_TEST_ENGINES`` environment variable) the built-in test engines last."""
    specs = {s.engine: s for s in _test_engines(kind)} if _with_tests(include_test) else {}
    specs.update({s.engine: s for s in getattr(_kind_package(kind), "ENGINES", [])})
    specs.update({s.engine: s for (k, _), s in _extra.items() if k == kind})
    return sorted(specs.values(), key=lambda s: (not s.default, s.test, s.engine))


def spec(kind: str, engine: str | None = None) -> EngineSpec:
    """The engine ``engine`` of ``kind`` (None: the default); a RequestError names the installed ones."""
    known = _lookups.get((kind, engine))
    if known is not None:
        return known
    _lookups[(kind, engine)] = found = _find(kind, engine)
    return found


def _with_tests(include_test: bool | None) -> bool:
    return include_test if include_test is not None else os.environ.get("STUDIO_TEST_ENGINES", "") not in ("", "0")


def _test_engines(kind: str) -> list[EngineSpec]:
    from pipelines.testing import TEST_ENGINES  # light: the test engines import numpy only when run

    return [s for s in TEST_ENGINES if s.kind == kind]


def _find(kind: str, engine: str | None) -> EngineSpec:
    options = engines(kind, include_test=False)
    if engine is None:
        if not options:
            raise RequestError(f"no engine is installed for {kind}")
        return options[0]
    for s in options + _test_engines(kind):  # a test engine is there when asked for by name
        if s.engine == engine:
            return s
    raise RequestError(f"unknown {kind} engine {engine!r}; installed: {', '.join(s.engine for s in options)}")


def create(kind: str, engine: str | None = None, **options: Any) -> Generator:
    """Build (but do not load) the generator for (kind, engine)."""
    return spec(kind, engine).build(**options)


def request_class(kind: str) -> type[Request]:
    module, _, name = _kind_package(kind).REQUEST.partition(":")
    return getattr(importlib.import_module(module), name)


def make_request(kind: str, **fields: Any) -> Request:
    """Build a validated request of ``kind`` from plain fields (unknown fields are an error)."""
    return request_class(kind).from_dict(fields)
