"""What observers (the GUI's jobs panel, the CLI's progress bar) are told, as it happens."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from studio.scheduler.jobs import Job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobEvent:
    """``type`` is "state" (the job's state changed: read ``job.state``) or "progress"."""

    type: str
    job: Job
    fraction: float | None = None
    message: str = ""
    preview: Any = None


Observer = Callable[[JobEvent], None]


class Observers:
    """Callbacks called in order on the scheduler's threads; they must be quick and must not block
    (a Qt view re-emits the event as a queued signal). A callback that raises is logged and skipped."""

    def __init__(self) -> None:
        self._callbacks: list[Observer] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Add a callback; returns a function that removes it."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def emit(self, event: JobEvent) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                log.exception("job observer %r failed", callback)
