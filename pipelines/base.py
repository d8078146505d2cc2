"""The generator protocol every engine speaks, draft or neural.

    result = generator(request, progress=on_progress, cancel=token, output_dir=folder)

A request is a frozen dataclass per media kind, validated on construction, with a stable
content hash; the result lists the files written into ``output_dir`` and their provenance.
This module imports nothing heavy: no numpy, no torch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

MAX_PROMPT_CHARS = 4000


class GenerationError(Exception):
    """A generation failed for a reason the creator can act on (one line)."""


class RequestError(GenerationError, ValueError):
    """A request is invalid: empty prompt, absurd duration, unknown field, ..."""


class WeightsMissingError(GenerationError):
    """A neural backend's weights are not on this machine. The message names the model and where to put it."""


class Cancelled(GenerationError):
    """The job was cancelled; nothing half-written is left behind."""


class ProgressFn(Protocol):
    def __call__(self, fraction: float, message: str = "", preview: Any = None) -> None: ...


def no_progress(fraction: float, message: str = "", preview: Any = None) -> None:
    """A progress callback that ignores everything."""


class CancelToken:
    """Cooperative cancellation: engines call ``check()`` between steps.

    Wraps any object with ``is_set()`` (a threading.Event or a multiprocessing.Event),
    so the same token works in a worker thread or a worker process.
    """

    def __init__(self, event: Any = None):
        self._event = event if event is not None else threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled")


# ----------------------------------------------------------------------------------------------
# Requests


def _finite(name: str, value: float, lo: float | None = None, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise RequestError(f"{name} must be a finite number, got {value!r}")
    if lo is not None and value < lo:
        raise RequestError(f"{name} must be at least {lo}, got {value}")
    if hi is not None and value > hi:
        raise RequestError(f"{name} must be at most {hi}, got {value}")


@dataclass(frozen=True)
class Request:
    """Fields every request has. Subclasses add their own and extend ``validate``.

    Subclasses set ``KIND`` and keep every field JSON-serialisable (str, int, float, bool,
    tuples of those, or None) so the hash and the job journal are stable.
    """

    KIND: ClassVar[str] = ""
    prompt: str = ""
    negative_prompt: str = ""
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if not isinstance(self.prompt, str):
            raise RequestError(f"prompt must be text, got {type(self.prompt).__name__}")
        if self.requires_prompt() and not self.prompt.strip():
            raise RequestError("prompt is empty: describe what to generate")
        if len(self.prompt) > MAX_PROMPT_CHARS:
            raise RequestError(f"prompt is {len(self.prompt):,} characters; the limit is {MAX_PROMPT_CHARS:,}")
        if len(self.negative_prompt) > MAX_PROMPT_CHARS:
            raise RequestError(f"negative prompt is over {MAX_PROMPT_CHARS:,} characters")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise RequestError(f"seed must be an integer from 0 to 2**63-1, got {self.seed!r}")

    def requires_prompt(self) -> bool:
        return True

    # -- serialisation and hashing ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Request:
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(names) - {"kind"})
        if unknown:
            raise RequestError(f"unknown field {unknown[0]!r} for a {cls.KIND} request")
        kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names}
        try:
            return cls(**kwargs)
        except TypeError as exc:  # wrong argument types that dataclasses reject
            raise RequestError(str(exc)) from None

    def replace(self, **changes: Any) -> Request:
        return dataclasses.replace(self, **changes)

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of (kind, fields): stable across runs and machines."""
        payload = json.dumps(
            {"kind": self.KIND, **self.to_dict()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
            allow_nan=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


# ----------------------------------------------------------------------------------------------
# Results


@dataclass
class OutputFile:
    """One file a generator wrote. ``role`` says what it is: "audio", "video", "poster",
    "stem:vocals", "midi", "lyrics.lrc", "captions.srt", "captions.vtt", "mesh.glb", ..."""

    path: Path
    role: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "role": self.role}


@dataclass
class GenerationResult:
    """What a generator returns: its files (the first is the primary one) and provenance.

    ``provenance`` always holds: kind, engine, engine_version, model_id, prompt, seed, params
    (the full request), seconds; engines add what they understood ("understood": ...),
    warnings, and anything a creator should know (for example "back side is guessed").
    ``metrics`` holds output amounts: {"frames": n} or {"audio_seconds": s}.
    """

    files: list[OutputFile]
    provenance: dict[str, Any]
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def primary(self) -> OutputFile:
        return self.files[0]

    def file(self, role: str) -> OutputFile | None:
        return next((f for f in self.files if f.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files], "provenance": self.provenance, "metrics": self.metrics}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GenerationResult:
        return cls([OutputFile(Path(f["path"]), f["role"]) for f in d["files"]], d["provenance"], d.get("metrics", {}))


# ----------------------------------------------------------------------------------------------
# Generators


class Generator:
    """Base for every engine. Subclasses set the class attributes and implement ``generate``.

    What the scheduler needs to know before loading an engine (memory, device, batching) is written once,
    in its ``EngineSpec`` (``pipelines/spec.py``), not here.

    ``load`` does the expensive part (weights onto a device) and is called once by the scheduler
    before the first job; a resident generator serves many jobs without reloading.
    """

    kind: ClassVar[str] = ""
    engine: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    device: ClassVar[str] = "cpu"  # "cpu" or "cuda"
    supports_batching: ClassVar[bool] = False
    neural: ClassVar[bool] = False
    max_duration_s: ClassVar[float] = 600.0
    kinds: ClassVar[tuple[str, ...]] = ()  # the request kinds served, when one model serves several (else kind)

    def __init__(self, **options: Any):
        self.options = options
        self.loaded = False

    @property
    def model_id(self) -> str:
        """The key under which the scheduler keeps this engine resident."""
        return f"{self.kind}/{self.engine}@{self.version}"

    def serves(self, request: Request) -> bool:
        return request.KIND in (self.kinds or (self.kind,))

    def load(self) -> None:
        self.loaded = True

    def unload(self) -> None:
        self.loaded = False

    def check_request(self, request: Request) -> None:
        """Engine-specific limits (max duration, size multiples); raise RequestError."""
        duration = getattr(request, "duration", None)
        if duration is not None and duration > self.max_duration_s:
            raise RequestError(
                f"duration {duration:g} s is over the {self.engine} engine's limit of {self.max_duration_s:g} s"
            )

    def __call__(
        self,
        request: Request,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        output_dir: str | Path | None = None,
    ) -> GenerationResult:
        if not self.serves(request):
            raise RequestError(f"a {request.KIND} request was sent to the {self.kind} engine {self.engine!r}")
        self.check_request(request)
        if not self.loaded:
            self.load()
        out = Path(output_dir) if output_dir is not None else Path(tempfile.mkdtemp(prefix=f"studio-{self.kind}-"))
        out.mkdir(parents=True, exist_ok=True)
        cancel = cancel or CancelToken()
        started = time.perf_counter()
        result = self.generate(request, progress or no_progress, cancel, out)
        self._label(result, request, round(time.perf_counter() - started, 4))
        return result

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        raise NotImplementedError

    def call_batch(
        self,
        requests: list[Request],
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        output_dirs: list[str | Path] | None = None,
    ) -> list[GenerationResult]:
        """Run several requests for this (already loaded) model; one output folder per request.

        Engines with ``supports_batching`` override ``generate_batch`` to run them in one pass
        (one denoising loop over a batch); the default runs them one after another.
        """
        if output_dirs is not None and len(output_dirs) != len(requests):
            raise RequestError(f"{len(requests)} requests but {len(output_dirs)} output folders")
        for request in requests:
            if not self.serves(request):
                raise RequestError(f"a {request.KIND} request was sent to the {self.kind} engine {self.engine!r}")
            self.check_request(request)
        if not self.loaded:
            self.load()
        dirs = (
            [Path(d) for d in output_dirs]
            if output_dirs is not None
            else [Path(tempfile.mkdtemp(prefix=f"studio-{self.kind}-")) for _ in requests]
        )
        for d in dirs:
            d.mkdir(parents=True, exist_ok=True)
        cancel = cancel or CancelToken()
        started = time.perf_counter()
        results = self.generate_batch(list(requests), progress or no_progress, cancel, dirs)
        if len(results) != len(requests):
            raise GenerationError(
                f"the {self.engine} engine returned {len(results)} results for {len(requests)} requests"
            )
        seconds = round((time.perf_counter() - started) / max(1, len(requests)), 4)
        for request, result in zip(requests, results, strict=True):
            self._label(result, request, seconds)
        return results

    def generate_batch(
        self, requests: list[Request], progress: ProgressFn, cancel: CancelToken, output_dirs: list[Path]
    ) -> list[GenerationResult]:
        """Batching engines override this; the default calls ``generate`` once per request."""
        results = []
        n = len(requests)
        for i, (request, out) in enumerate(zip(requests, output_dirs, strict=True)):

            def part(fraction: float, message: str = "", preview: Any = None, _i: int = i) -> None:
                progress((_i + fraction) / n, message, preview)

            cancel.check()
            results.append(self.generate(request, part, cancel, out))
        return results

    def _label(self, result: GenerationResult, request: Request, seconds: float) -> None:
        """Provenance every result carries, so output is always labelled with the engine that made it."""
        prov = result.provenance
        prov.setdefault("kind", request.KIND)
        prov.setdefault("engine", self.engine)
        prov.setdefault("engine_version", self.version)
        prov.setdefault("model_id", self.model_id)
        prov.setdefault("prompt", request.prompt)
        prov.setdefault("seed", request.seed)
        prov.setdefault("params", request.to_dict())
        prov.setdefault("seconds", seconds)


def validate_common_duration(duration: float, lo: float, hi: float, name: str = "duration") -> None:
    """Shared check for durations in seconds."""
    _finite(name, duration)
    if duration <= 0:
        raise RequestError(f"{name} must be > 0 s, got {duration:g}")
    if duration < lo or duration > hi:
        raise RequestError(f"{name} must be between {lo:g} and {hi:g} s, got {duration:g}")


check_number = _finite
