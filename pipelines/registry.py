"""Looks up generators by (kind, engine) without importing any heavy module.

Each media package (``pipelines/sfx`` ...) declares, in its ``__init__.py`` and with no heavy
imports, ``REQUEST = "module:Class"`` and ``ENGINES = [EngineSpec(...), ...]``. The registry
imports those light packages on first use and the engine module only when an engine is built.
The built-in test engines (``pipelines.testing``: test-tone, test-pattern, test-cube) are listed
for every kind after the real engines, so the scheduler and the CLI work before any media engine exists.
"""

from __future__ import annotations

import dataclasses
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
    test: bool = False  # a built-in test engine (listed after the real ones)
    options: tuple[tuple[str, Any], ...] = ()  # keyword options passed to the class when built
    model: str = ""  # a model shared by engines of several kinds (one residency), e.g. "audio/stable-audio-open@1"

    @property
    def model_key(self) -> str:
        """The name under which the scheduler keeps this engine's model resident (``model`` when shared)."""
        return self.model or f"{self.kind}/{self.engine}@{self.version}"

    def load_class(self) -> type[Generator]:
        module, _, name = self.target.partition(":")
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise RequestError(f"the {self.kind} engine {self.engine!r} cannot be loaded from {self.target}: {exc}") \
                from None
        return cls

    def build(self, **options: Any) -> Generator:
        """Build (but do not load) the generator, with the spec's options under the caller's."""
        return self.load_class()(**{**dict(self.options), **options})

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["options"] = [list(kv) for kv in self.options]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EngineSpec:
        return cls(**{**d, "options": tuple(tuple(kv) for kv in d.get("options", ()))})


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


def engines(kind: str) -> list[EngineSpec]:
    """The engines of one kind: the default first, then the other real engines, the test engines last."""
    from pipelines.testing import TEST_ENGINES  # light: the test engines import numpy only when run

    specs = {s.engine: s for s in TEST_ENGINES if s.kind == kind}
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


def _find(kind: str, engine: str | None) -> EngineSpec:
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
    return spec(kind, engine).build(**options)


def request_class(kind: str) -> type[Request]:
    module, _, name = _kind_package(kind).REQUEST.partition(":")
    return getattr(importlib.import_module(module), name)


def make_request(kind: str, **fields: Any) -> Request:
    """Build a validated request of ``kind`` from plain fields (unknown fields are an error)."""
    return request_class(kind).from_dict(fields)
