"""Background work for the GUI: functions run on a thread pool and report back through queued signals.

``run_in_background(fn, on_done, on_error)`` runs ``fn()`` off the GUI thread; the callbacks run on the
GUI thread. ``SchedulerEvents`` forwards the scheduler's events (raised on its threads) as a Qt signal.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Reply(QObject):
    """Created on the GUI thread; a worker emits its signals, and the slots run back on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable | None, on_error: Callable | None, forget: Callable[[_Reply], None]):
        super().__init__()
        self._on_done, self._on_error, self._forget = on_done, on_error, forget
        self.cancelled = False  # set when the window closed: its widgets may be gone
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, value: Any) -> None:
        self._forget(self)
        if self._on_done is not None and not self.cancelled:
            self._on_done(value)

    @Slot(object)
    def _deliver_error(self, exc: Any) -> None:
        self._forget(self)
        if self._on_error is not None and not self.cancelled:
            self._on_error(exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Reply):
        super().__init__()
        self.fn, self.signals = fn, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            value = self.fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread, which shows it
            exc.gui_traceback = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(value)


def lower_process_priority(pid: int, nice: int = 10) -> None:
    """Give a child process (renders, generation workers) a lower CPU priority than the window.

    Threads of the GUI process itself keep their priority: a low-priority thread holding the GIL would stall
    the GUI thread (priority inversion)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, max(nice, os.getpriority(os.PRIO_PROCESS, pid)))
    except (AttributeError, OSError):
        pass


class BackgroundTasks(QObject):
    """Owns the thread pool and keeps each task's signal object alive until it reports."""

    def __init__(self, parent: QObject | None = None, threads: int = 4):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._live: set[_Reply] = set()
        self._dropped = False  # the window closed: later tasks report to no one either

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn()`` on the pool; ``on_done(value)`` or ``on_error(exc)`` is called on the GUI thread."""
        reply = _Reply(on_done, on_error, self._live.discard)
        reply.cancelled = self._dropped  # (a panel's deferred refresh can ask for thumbnails after the close)
        self._live.add(reply)
        self.pool.start(_Task(fn, reply))

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def drop_replies(self) -> None:
        """Closing: tasks still finish, but their callbacks (which touch widgets) are not called."""
        self._dropped = True
        for reply in self._live:
            reply.cancelled = True

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for running tasks (used at shutdown and in tests); their callbacks run on the next event loop turn."""
        return self.pool.waitForDone(msecs)


class SchedulerEvents(QObject):
    """Re-emits ``JobEvent``s from the scheduler's threads as ``event`` on the GUI thread."""

    event = Signal(object)

    def __init__(self, scheduler: Any, parent: QObject | None = None):
        super().__init__(parent)
        self._unsubscribe = scheduler.subscribe(self._forward)

    def _forward(self, job_event: Any) -> None:  # scheduler thread: emit only (queued to the GUI thread)
        self.event.emit(job_event)

    @Slot()
    def close(self) -> None:
        self._unsubscribe()


class FinishedEvent:
    """A state event for a job that finished inside ``submit`` (a cache hit), before its events could be matched."""

    type = "state"

    def __init__(self, job: Any):
        self.job, self.fraction, self.message, self.preview = job, 1.0, "", None
