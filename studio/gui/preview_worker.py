"""Render the preview's still frames (scrubbing, stepping) in a child process, so the compositor's Python work and
its decoders never hold the GUI process's interpreter (GIL) or take a core from the window while the ruler is
dragged; the child also runs at a lower CPU priority than the window, as the loudness meter's does.

One child lives as long as the preview. The parent writes one JSON line per still:
``{"start": frame, "count": n, "size": [w, h], "project_dir": "...", "project": {...}}`` (the project only when it
changed since the last line). The child answers one JSON line, ``{"frames": [[frame, h, w], ...]}`` followed by each
frame's raw RGB bytes, or ``{"error": "one line"}``. It exits when its stdin closes (the parent closed or died).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

READY = b"ready\n"
STILL_NICE = 4  # below the window, yet not starved by other busy programs (at 10 a still came ~3x later under load)


def render_preview_frames(project: Any, project_dir: Path, start: int, count: int, size: tuple[int, int]) -> dict:
    """Frames [start, start+count) as (h, w, 3) uint8 arrays, made by the final render's compositor; missing media
    shows black, as in a render with missing media allowed. (A worker thread or the child process.)"""
    from studio.render.compositor import Compositor
    from studio.render.plan import make_plan

    end = min(start + count, project.timeline.duration)
    if end <= start:
        return {}
    plan = make_plan(project, project_dir, (start, end), allow_missing=True)
    compositor = Compositor(plan, size, "fast_bilinear")
    try:
        return {start + i: frame for i, frame in enumerate(compositor.frames())}
    finally:
        compositor.close()


class StillRenderer:
    """The parent's side: ``render()`` (a worker thread; one at a time) sends a still to the child and waits for its
    frames. ``ready`` is False until the child has imported the renderer; callers render in their own thread until
    then, and again if the child dies (the next ``start()`` makes a new one)."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._sent: tuple[int, str] | None = None  # (revision, folder) of the project the child holds
        self._lock = threading.Lock()
        self._starting = False
        self._closed = False
        self.ready = False
        self.rendered = 0  # stills the child made (tests, benchmarks)

    def start_in_background(self) -> None:
        """``start()`` on a thread of its own (not the window's task pool: a slow start under load would hold a pool
        thread, and ``session.busy``, for seconds)."""
        if self._claim_start():
            threading.Thread(target=self._start, name="preview still renderer start", daemon=True).start()

    def start(self) -> None:
        """Start the child and wait until it can render (~1 s of imports, in the child)."""
        if self._claim_start():
            self._start()

    def _claim_start(self) -> bool:
        with self._lock:
            if self._starting or self.ready or self._closed:
                return False
            self._starting = True
            return True

    def _start(self) -> None:
        from studio.gui.workers import lower_process_priority

        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "studio.gui.preview_worker"],  # the frozen app dispatches -m itself
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            lower_process_priority(child.pid, STILL_NICE)  # its decoders (ffmpeg) inherit it
            if child.stdout is None or child.stdout.readline() != READY:
                child.kill()
                child.wait()
                return
            with self._lock:
                if self._closed:  # the window closed while the child started
                    child.kill()
                    child.wait()
                    return
                self._child, self._sent, self.ready = child, None, True
        except OSError:
            return
        finally:
            self._starting = False

    def render(self, project: Any, revision: int, project_dir: Path, start: int, count: int, size: tuple[int, int]):
        """Frames as :func:`render_preview_frames` makes them, rendered by the child; raises RuntimeError with the
        child's one-line reason, or OSError if the child died (it is then dropped: ``ready`` turns False)."""
        import numpy as np

        from studio.io import project_to_dict

        with self._lock:
            child = self._child
            if child is None or child.stdin is None or child.stdout is None:
                raise OSError("the preview's still renderer is not running")
            job: dict[str, Any] = {"start": start, "count": count, "size": list(size), "project_dir": str(project_dir)}
            if self._sent != (revision, str(project_dir)):
                job["project"] = project_to_dict(project)
            try:
                child.stdin.write(json.dumps(job).encode() + b"\n")
                child.stdin.flush()
                answer = json.loads(child.stdout.readline() or b"null")
                if answer is None:
                    raise OSError("the preview's still renderer stopped")
                if "error" in answer:
                    self._sent = None  # the child may not hold this project: send it with the next still
                    raise RuntimeError(answer["error"])
                frames = {}
                for frame, h, w in answer["frames"]:
                    data = child.stdout.read(h * w * 3)
                    if len(data) != h * w * 3:
                        raise OSError("the preview's still renderer stopped")
                    frames[frame] = np.frombuffer(data, np.uint8).reshape(h, w, 3)
            except (OSError, ValueError):
                self._drop()
                raise
            self._sent = (revision, str(project_dir))
            self.rendered += 1
            return frames

    def _drop(self) -> None:
        child, self._child, self.ready = self._child, None, False
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()

    def close(self) -> None:
        """Stop the child (the window closes); one still starting stops when it is ready."""
        with self._lock:
            self._closed = True
            child, self._child, self.ready = self._child, None, False
        if child is None:
            return
        try:
            if child.stdin is not None:
                child.stdin.close()  # it exits at the end of its input
            child.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            child.kill()
            child.wait()


def run_child() -> int:
    """The child's loop: read jobs on stdin, answer on stdout (see the module's docstring)."""
    from studio.io import project_from_dict
    from studio.render import compositor, plan  # noqa: F401 - imported before "ready", not on the first still

    out = os.fdopen(os.dup(1), "wb")  # the answers; anything printed by accident goes to stderr instead
    os.dup2(2, 1)
    out.write(READY)
    out.flush()
    project = None
    for line in sys.stdin.buffer:
        job = json.loads(line)
        try:
            if "project" in job:
                project = project_from_dict(job["project"])
            if project is None:
                raise ValueError("no project sent")
            size = (int(job["size"][0]), int(job["size"][1]))
            frames = render_preview_frames(project, Path(job["project_dir"]), job["start"], job["count"], size)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which shows it in the status bar
            out.write(json.dumps({"error": " ".join(str(exc).split()) or type(exc).__name__}).encode() + b"\n")
            out.flush()
            continue
        shapes = [[frame, int(rgb.shape[0]), int(rgb.shape[1])] for frame, rgb in frames.items()]
        out.write(json.dumps({"frames": shapes}).encode() + b"\n")
        for rgb in frames.values():
            out.write(memoryview(rgb.astype("uint8", copy=False).tobytes()))
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run_child())
