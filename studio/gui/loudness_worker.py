"""Measure the whole mix's loudness in a child process, so the GUI process's interpreter (and its GIL) stays free
for the window while every audio clip is decoded and mixed (in a thread it made zooming and scrolling ~3x slower).

The parent writes ``{"project": ..., "project_dir": ...}`` as one JSON line on stdin; the child prints
``done <integrated LUFS> <true peak dBTP>`` (``inf``/``-inf`` allowed) or ``error <message>``. The parent stops a
measurement that an edit has overtaken by killing the child.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def measure_mix_loudness(
    project: Any, project_dir: Path, cancelled: Callable[[], bool] | None = None
) -> tuple[float, float] | None:
    """(integrated LUFS, true peak dBTP) of the whole timeline's mix before normalisation, as the render's meter
    measures it; None for an empty timeline. Decodes every audio clip; ``cancelled()`` stops it between blocks."""
    import tempfile

    from studio.render.mixer import mix_to_wav
    from studio.render.plan import make_plan

    if project.timeline.duration <= 0:
        return None
    plan = make_plan(project, project_dir, allow_missing=True)
    with tempfile.TemporaryDirectory(prefix="studio-loudness-") as scratch:
        meter = mix_to_wav(plan, Path(scratch) / "mix.wav", cancelled=cancelled)
    return meter.integrated(), meter.true_peak_db()


def child_command() -> list[str] | None:
    """How to start this module as a process (the frozen app dispatches ``--loudness-worker`` itself)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--loudness-worker"]
    return [sys.executable, "-m", "studio.gui.loudness_worker"]


def measure_in_child(project: Any, project_dir: Path, overtaken: Callable[[], bool]) -> tuple[float, float] | None:
    """(integrated LUFS, true peak dBTP) of ``project``'s mix, or None for an empty timeline (worker thread: it only
    waits on the child). Raises RenderError("...cancelled") once ``overtaken()`` is true, or the child's error."""
    import subprocess

    from studio.gui.workers import lower_process_priority
    from studio.io import project_to_dict
    from studio.render.errors import RenderError

    command = child_command()
    if command is None:
        return measure_mix_loudness(project, project_dir, overtaken)
    if project.timeline.duration <= 0:
        return None
    job = json.dumps({"project": project_to_dict(project), "project_dir": str(project_dir)})
    # stderr is not read while waiting (a full pipe would block the child): the child reports its errors on stdout
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    lower_process_priority(child.pid)  # its ffmpeg children inherit it
    try:
        child.stdin.write(job + "\n")
        child.stdin.close()
        while child.poll() is None:
            if overtaken():
                raise RenderError("loudness measurement cancelled")
            time.sleep(0.05)
        line = child.stdout.read().strip().splitlines()[-1:] or [""]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    kind, _, rest = line[0].partition(" ")
    if kind == "done":
        loudness, peak = (float(v) for v in rest.split())
        return None if math.isnan(loudness) else (loudness, peak)
    if kind == "error":
        raise RenderError(rest)
    raise RenderError(f"the loudness process stopped (exit code {child.returncode})")


def run_child() -> int:
    from studio.io import project_from_dict
    from studio.render.errors import RenderError

    job = json.loads(sys.stdin.readline())
    try:
        result = measure_mix_loudness(project_from_dict(job["project"]), Path(job["project_dir"]))
    except (RenderError, OSError, ValueError) as exc:
        print(f"error {' '.join(str(exc).split())}", flush=True)
        return 1
    loudness, peak = result if result is not None else (math.nan, math.nan)
    print(f"done {loudness!r} {peak!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_child())
