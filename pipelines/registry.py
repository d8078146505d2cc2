"""Looks up generators by (kind, engine) without importing any heavy module.

Each media package (``pipelines/sfx`` ...) declares, in its ``__init__.py`` and with no heavy
imports, ``REQUEST = "module:Class"`` and ``ENGINES = [EngineSpec(...), ...]``. The registry
imports those light packages on first use and the engine module only when an engine is built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from pipelines.base import Generator, Request, RequestError

KINDS: tuple[str, ...] = ("video", "song", "sfx", "voice", "3d")
_PACKAGES = {"video": "pipelines.video", "song": "pipelines.song", "sfx": "pipelines.sfx",
             "voice": "pipelines.voice", "3d": "pipelines.image_to_3d"}


@dataclass(frozen=True)
class EngineSpec:
    """What the scheduler and the GUI need to know about an engine before loading it."""

    kind: str
    engine: str
    target: str  # "package.module:ClassName", imported only when the engine is built
    version: str = "1"
    device: str = "cpu"  # "cpu" or "cuda" (neural engines run on the CPU too, slowly)
    memory_mb: int = 64
    supports_batching: bool = False
    neural: bool = False
    default: bool = False
    description: str = ""

    def load_class(self) -> type[Generator]:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


_extra: dict[tuple[str, str], EngineSpec] = {}


def _kind_package(kind: str):
    if kind not in _PACKAGES:
        raise RequestError(f"unknown media kind {kind!r}; choose one of: {', '.join(KINDS)}")
    return importlib.import_module(_PACKAGES[kind])


def register(spec: EngineSpec) -> None:
    """Add an engine at run time (tests, plug-ins)."""
    _extra[(spec.kind, spec.engine)] = spec


def unregister(kind: str, engine: str) -> None:
    _extra.pop((kind, engine), None)


def engines(kind: str) -> list[EngineSpec]:
    """The engines of one kind; the default first."""
    specs = list(getattr(_kind_package(kind), "ENGINES", []))
    specs += [s for (k, _), s in _extra.items() if k == kind]
    return sorted(specs, key=lambda s: (not s.default, s.engine))


def spec(kind: str, engine: str | None = None) -> EngineSpec:
    options = engines(kind)
    if not options:
        raise RequestError(f"no engine is installed for {kind}")
    if engine is None:
        return options[0]
    for s in options:
        if s.engine == engine:
            return s
    raise RequestError(f"unknown {kind} engine {engine!r}; installed: {', '.join(s.engine for s in options)}")


def create(kind: str, engine: str | None = None, **options: Any) -> Generator:
    """Build (but do not load) the generator for (kind, engine)."""
    return spec(kind, engine).load_class()(**options)


def request_class(kind: str) -> type[Request]:
    module, _, name = _kind_package(kind).REQUEST.partition(":")
    return getattr(importlib.import_module(module), name)


def make_request(kind: str, **fields: Any) -> Request:
    """Build a validated request of ``kind`` from plain fields (unknown fields are an error)."""
    return request_class(kind).from_dict(fields)
