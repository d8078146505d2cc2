"""One writer at a time per project: an advisory lock on ``<project>/.studio-lock``.

Every process that writes a project (the GUI while the project is open, ``studio make``, ``studio generate
--project``, ``studio render`` generating recipe clips, OTIO import) holds this lock for its write session.
A second writer waits a bounded time, then is refused with one line naming the holder::

    with ProjectLock(folder, "studio generate", wait_s=30):
        project = load_project(folder)      # re-read under the lock: nothing saved meanwhile is dropped
        ...; save_project(project, folder)

The lock is ``flock`` on an open file, so the kernel releases it when the holder exits or is killed: a
crash never leaves a stale lock behind. The file's text names the holder (command, pid, host, time) for
the message; it is only information. Nested locks of one process on one folder are counted, not re-taken.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from studio.io.errors import ProjectError

LOCK_NAME = ".studio-lock"
DEFAULT_WAIT_S = float(os.environ.get("STUDIO_LOCK_WAIT", "30"))

_held: dict[Path, tuple[Any, int]] = {}  # folder -> (open file, nesting depth) in this process
_held_guard = threading.Lock()


class ProjectLocked(ProjectError):
    """Another process is writing this project; the message names it."""


def holder_of(project_dir: str | Path) -> dict[str, Any] | None:
    """Who holds (or last held) the lock, as written in the lock file; None if nobody ever did."""
    try:
        data = json.loads((Path(project_dir) / LOCK_NAME).read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe_holder(info: dict[str, Any] | None) -> str:
    if not info:
        return "another Studio process"
    since = time.strftime("%H:%M:%S", time.localtime(float(info.get("since", 0))))
    host = f" on {info['host']}" if info.get("host") and info.get("host") != socket.gethostname() else ""
    return f"{info.get('command', 'another Studio process')} (pid {info.get('pid', '?')}{host}, since {since})"


class ProjectLock:
    """The write lock of one project folder; a context manager, or ``acquire()`` / ``release()``."""

    def __init__(self, project_dir: str | Path, command: str, wait_s: float | None = None):
        self.folder = Path(project_dir).absolute()
        self.command = command
        self.wait_s = DEFAULT_WAIT_S if wait_s is None else wait_s
        self._mine = False

    @property
    def held(self) -> bool:
        return self._mine

    def acquire(self) -> ProjectLock:
        """Take the lock, waiting up to ``wait_s``; raises ProjectLocked naming the holder after that."""
        import fcntl

        if self._mine:
            return self
        key = self.folder.resolve()
        with _held_guard:
            if key in _held:  # this process already writes it (``make`` calling ``produce``): nest
                handle, depth = _held[key]
                _held[key] = (handle, depth + 1)
                self._mine = True
                return self
        if not self.folder.is_dir():
            raise ProjectError(f"{self.folder}: no such project folder")
        try:
            handle = open(self.folder / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        except OSError as exc:
            raise ProjectError(f"{self.folder}: cannot open the project's lock file ({exc.strerror or exc})") from None
        deadline = time.monotonic() + max(0.0, self.wait_s)
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise ProjectLocked(
                        f"{self.folder.name} is being written by {describe_holder(holder_of(self.folder))}; "
                        f"waited {self.wait_s:g} s; try again when it is done"
                    ) from None
                time.sleep(0.05)
        info = {"command": self.command, "pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(info))
        handle.flush()
        with _held_guard:
            _held[key] = (handle, 1)
        self._mine = True
        return self

    def release(self) -> None:
        import fcntl

        if not self._mine:
            return
        self._mine = False
        key = self.folder.resolve()
        with _held_guard:
            handle, depth = _held[key]
            if depth > 1:
                _held[key] = (handle, depth - 1)
                return
            del _held[key]
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    def __enter__(self) -> ProjectLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
