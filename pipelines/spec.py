"""What the scheduler and the GUI know about an engine before loading it: ``EngineSpec``.

Its own module so that engine lists (each media package's ``ENGINES``, the test engines) and the registry
that looks them up import it without importing each other.
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from typing import Any

from pipelines.base import Generator, RequestError


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
            raise RequestError(
                f"the {self.kind} engine {self.engine!r} cannot be loaded from {self.target}: {exc}"
            ) from None
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
