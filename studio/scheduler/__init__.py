"""The local inference scheduler: jobs, worker processes, model residency, result cache, journal.

Importing this package is light (no torch, no numpy); ``Scheduler`` is loaded on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Job", "JobEvent", "JobMetrics", "Scheduler", "cached_result"]


def __getattr__(name: str) -> Any:
    if name == "Scheduler":
        from studio.scheduler.scheduler import Scheduler

        return Scheduler
    if name in ("Job", "JobMetrics"):
        from studio.scheduler import jobs

        return getattr(jobs, name)
    if name == "JobEvent":
        from studio.scheduler.events import JobEvent

        return JobEvent
    if name == "cached_result":
        from studio.scheduler.journal import cached_result

        return cached_result
    raise AttributeError(name)
