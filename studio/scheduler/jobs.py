"""A job: one generation request on its way through the scheduler, serialisable to the journal."""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from pipelines.base import GenerationResult

FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})
PRIORITIES: dict[str, int] = {"interactive": 0, "batch": 1}  # lower runs first


def check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}; choose interactive or batch")
    return priority


_ID_PREFIX = uuid.uuid4().hex[:6]  # random per process, so ids from different sessions never collide
_ID_COUNTER = itertools.count(int(time.time() * 1000) % 0xFFFFFF)


def new_job_id() -> str:
    """A short unique id: a per-process random prefix and a counter (no system call per job)."""
    return f"job_{_ID_PREFIX}{next(_ID_COUNTER) % 0x1000000:06x}"


@dataclass
class JobMetrics:
    """What inference services report per request: waits, load and run times, throughput, cache hit."""

    queue_wait_s: float | None = None  # submitted -> started loading or running
    load_s: float = 0.0  # model load time paid by this job (0 when the model was resident)
    run_s: float | None = None  # generation time, load excluded
    output: dict[str, float] = field(default_factory=dict)  # {"frames": n} or {"audio_seconds": s}
    output_per_s: dict[str, float] = field(default_factory=dict)  # {"frames_per_s": ..} per second of run time
    cache_hit: bool = False
    batch_size: int = 1
    worker: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> JobMetrics:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (d or {}).items() if k in known})

    def set_output(self, amounts: dict[str, float]) -> None:
        self.output = {k: float(v) for k, v in amounts.items() if isinstance(v, (int, float))}
        if self.run_s and self.run_s > 0:
            self.output_per_s = {f"{k}_per_s": round(v / self.run_s, 3) for k, v in self.output.items()}


@dataclass
class Job:
    """A request for (kind, engine) with its priority, state, timings, result and error."""

    id: str
    kind: str
    engine: str
    engine_version: str
    request: dict[str, Any]  # the request's fields (Request.to_dict())
    request_hash: str
    priority: str = "batch"
    state: str = "queued"
    project_dir: str | None = None
    seq: int = 0  # submission order; FIFO within a priority
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    attempts: int = 1
    error: str | None = None
    result: GenerationResult | None = None
    metrics: JobMetrics = field(default_factory=JobMetrics)
    cancel_requested: bool = False

    @property
    def cache_key(self) -> str:
        """(kind, engine, engine version, request hash): the result cache's key."""
        return cache_key(self.kind, self.engine, self.engine_version, self.request_hash)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["result"] = self.result.to_dict() if self.result else None
        d["metrics"] = self.metrics.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        d = dict(d)
        d["result"] = GenerationResult.from_dict(d["result"]) if d.get("result") else None
        d["metrics"] = JobMetrics.from_dict(d.get("metrics"))
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def summary(self) -> str:
        """One line for `studio jobs` and logs."""
        m = self.metrics
        parts = [f"{self.id}  {self.state:<9} {self.priority:<11} {self.kind}/{self.engine}"]
        if m.cache_hit:
            parts.append("cache hit")
        if m.queue_wait_s is not None:
            parts.append(f"wait {m.queue_wait_s:.2f}s")
        if m.load_s:
            parts.append(f"load {m.load_s:.2f}s")
        if m.run_s is not None:
            parts.append(f"run {m.run_s:.2f}s")
        parts += [f"{v:g} {k.replace('_', ' ')}" for k, v in m.output_per_s.items()]
        if self.error:
            parts.append(f"error: {self.error}")
        prompt = str(self.request.get("prompt", ""))
        parts.append(repr(prompt[:40] + ("..." if len(prompt) > 40 else "")))
        return "  ".join(parts)


def cache_key(kind: str, engine: str, engine_version: str, request_hash: str) -> str:
    """The result cache's key: the same request to the same engine version has the same result."""
    return f"{kind}/{engine}@{engine_version}/{request_hash}"
