"""Render in a child process so the GUI process's interpreter (and its GIL) stays free for the window.

The parent writes ``{"project": ..., "project_dir": ..., "out": ..., "preset": ...}`` as JSON on stdin;
the child prints ``progress <fraction> <message>`` lines, then ``done <summary json>`` or ``error <message>``.
Closing stdin's partner (``cancel``) is not needed: the parent writes "cancel" on stdin to stop it.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any


def child_command() -> list[str]:
    """How to start this module as a process (the frozen app dispatches ``--render-worker`` itself)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--render-worker"]
    return [sys.executable, "-m", "studio.gui.render_worker"]


def run_child() -> int:
    from studio.io import project_from_dict
    from studio.render import RenderError, render_timeline

    job = json.loads(sys.stdin.readline())
    cancel = threading.Event()

    def watch_stdin() -> None:
        for line in sys.stdin:
            if line.strip() == "cancel":
                cancel.set()
                return
        cancel.set()  # the parent went away

    threading.Thread(target=watch_stdin, daemon=True).start()

    def progress(fraction: float, message: str) -> None:
        print(f"progress {fraction:.4f} {message}", flush=True)

    try:
        project = project_from_dict(job["project"])
        summary = render_timeline(
            project,
            Path(job["project_dir"]),
            Path(job["out"]),
            preset=job["preset"],
            allow_missing=bool(job.get("allow_missing")),
            progress=progress,
            cancel=cancel,
        )
    except (RenderError, OSError, ValueError) as exc:
        print(f"error {' '.join(str(exc).split())}", flush=True)
        return 1
    info: dict[str, Any] = {
        "line": summary.line(),
        "frames": summary.frames,
        "path": str(summary.path),
        "bytes": summary.bytes,
        "warnings": summary.warnings,
        "elapsed": summary.elapsed,
    }
    print(f"done {json.dumps(info)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_child())
